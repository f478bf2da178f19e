# Cargo manifest parser: flags hazmat lines and tags the fields of each manifest line
# (quantity / package / commodity / origin). Shared BERT trunk, one head per task, Accelerate loop.
import os
import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)


@dataclass(frozen=True)
class TaskSpec:
    num_labels: int
    max_len: int
    per_token: bool = False


TASKS = {
    "hazmat": TaskSpec(num_labels=2, max_len=24),
    "fields": TaskSpec(num_labels=5, max_len=32, per_token=True),
}
FIELD_TAGS = ["O", "QTY", "PKG", "COMMODITY", "ORIGIN"]

HAZMAT_ROWS = [("12 drums of acetone from rotterdam", 1), ("40 cartons of sneakers from hanoi", 0),
               ("3 pallets of lithium batteries from shenzhen", 1), ("8 crates of ceramic tiles from valencia", 0),
               ("20 cylinders of propane from houston", 1), ("15 bales of cotton from karachi", 0)]
FIELD_ROWS = [
    ("12 drums of acetone from rotterdam", ["QTY", "PKG", "O", "COMMODITY", "O", "ORIGIN"]),
    ("40 cartons of sneakers from hanoi", ["QTY", "PKG", "O", "COMMODITY", "O", "ORIGIN"]),
    ("3 pallets of lithium batteries from shenzhen", ["QTY", "PKG", "O", "COMMODITY", "COMMODITY", "O", "ORIGIN"]),
    ("8 crates of tiles", ["QTY", "PKG", "O", "COMMODITY"]),
    ("15 bales of cotton from karachi", ["QTY", "PKG", "O", "COMMODITY", "O", "ORIGIN"]),
    ("20 cylinders of propane", ["QTY", "PKG", "O", "COMMODITY"]),
]


def write_vocab():
    words = sorted({w for text, _ in HAZMAT_ROWS + FIELD_ROWS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class ManifestCollator:
    def __init__(self, tokenizer, task):
        self.tok, self.task, self.spec = tokenizer, task, TASKS[task]

    def __call__(self, rows):
        words = [text.split() for text, _ in rows]
        enc = self.tok(words, is_split_into_words=True, padding=True, truncation=True,
                       max_length=self.spec.max_len, return_tensors="pt")
        if not self.spec.per_token:
            target = torch.tensor([y for _, y in rows])
        else:
            target = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
            for r, (_, tags) in enumerate(rows):
                for pos, w in enumerate(enc.word_ids(r)):
                    if w is not None:
                        target[r, pos] = FIELD_TAGS.index(tags[w])
        return {"task": self.task, "enc": dict(enc), "target": target}


class ManifestModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.trunk = BertModel(cfg, add_pooling_layer=False)
        self.heads = nn.ModuleDict({name: nn.Linear(cfg.hidden_size, spec.num_labels) for name, spec in TASKS.items()})

    def forward(self, task, enc, target):
        hidden = self.trunk(**enc).last_hidden_state
        if TASKS[task].per_token:
            logits = self.heads[task](hidden)
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), target.reshape(-1), ignore_index=-100)
        else:
            logits = self.heads[task](hidden[:, 0])
            loss = F.cross_entropy(logits, target)
        return loss, logits


def proportional_batches(loaders, steps):
    sizes = {name: len(dl.dataset) for name, dl in loaders.items()}
    names, weights = list(sizes), list(sizes.values())
    iters = {name: iter(dl) for name, dl in loaders.items()}
    for _ in range(steps):
        name = random.choices(names, weights=weights)[0]
        try:
            yield next(iters[name])
        except StopIteration:
            iters[name] = iter(loaders[name])
            yield next(iters[name])


def main():
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab())
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    model = ManifestModel(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loaders = {
        "hazmat": DataLoader(HAZMAT_ROWS, batch_size=2, shuffle=True, collate_fn=ManifestCollator(tok, "hazmat")),
        "fields": DataLoader(FIELD_ROWS, batch_size=2, shuffle=True, collate_fn=ManifestCollator(tok, "fields")),
    }
    model, opt = accelerator.prepare(model, opt)
    loaders = {name: accelerator.prepare(dl) for name, dl in loaders.items()}

    running = defaultdict(list)
    model.train()
    for step, batch in enumerate(proportional_batches(loaders, steps=12)):
        loss, _ = model(**batch)
        accelerator.backward(loss)
        opt.step()
        opt.zero_grad()
        running[batch["task"]].append(loss.item())
        if step % 4 == 0:
            accelerator.print(f"step {step:02d} task={batch['task']:<7} loss={loss.item():.4f}")

    for name, losses in running.items():
        accelerator.print(f"{name}: {len(losses)} batches, mean loss {sum(losses) / len(losses):.4f}")


if __name__ == "__main__":
    main()
