"""Contract review: clause-type tagging and clause-conflict detection on one BERT, trained with Accelerate."""
import os
import tempfile
from dataclasses import dataclass, field
from functools import partial

import torch
import torch.nn as nn
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass
class TaskSpec:
    labels: list
    segments: int  # 1 = single clause, 2 = clause pair
    loss: nn.Module = field(default_factory=nn.CrossEntropyLoss)

    @property
    def num_labels(self):
        return len(self.labels)


TASK_SPECS = {
    "clause_type": TaskSpec(labels=["indemnity", "termination", "payment", "confidentiality"], segments=1),
    "clause_conflict": TaskSpec(labels=["compatible", "conflicting"], segments=2),
}

CLAUSES = [
    ("supplier shall indemnify buyer against all third party claims", "indemnity"),
    ("either party may terminate on thirty days written notice", "termination"),
    ("invoices are payable within sixty days of receipt", "payment"),
    ("recipient shall keep all disclosed information confidential", "confidentiality"),
    ("buyer may terminate immediately upon material breach", "termination"),
    ("payment shall be made in euros by bank transfer", "payment"),
]
CLAUSE_PAIRS = [
    ("invoices are payable within sixty days of receipt", "payment is due within thirty days of receipt", "conflicting"),
    ("either party may terminate on thirty days written notice", "buyer may terminate immediately upon material breach", "compatible"),
    ("recipient shall keep all disclosed information confidential", "recipient may disclose information to any affiliate", "conflicting"),
    ("payment shall be made in euros by bank transfer", "invoices are payable within sixty days of receipt", "compatible"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="clauses_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def build_encoder(vocab_size, n_segments):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, type_vocab_size=n_segments)
    return BertModel(cfg)


class ClauseModel(nn.Module):
    def __init__(self, encoder, specs):
        super().__init__()
        self.encoder = encoder
        hid = encoder.config.hidden_size
        self.heads = nn.ModuleDict({name: nn.Linear(hid, spec.num_labels) for name, spec in specs.items()})

    def forward(self, task, **enc):
        cls_vec = self.encoder(**enc).last_hidden_state[:, 0]
        return self.heads[task](cls_vec)


def collate(rows, tokenizer, task):
    spec = TASK_SPECS[task]
    if spec.segments == 2:
        enc = tokenizer([r[0] for r in rows], [r[1] for r in rows], padding=True, return_tensors="pt")
    else:
        enc = tokenizer([r[0] for r in rows], padding=True, return_tensors="pt")
    enc = dict(enc)
    enc["y"] = torch.tensor([spec.labels.index(r[-1]) for r in rows])
    return enc


def round_robin(loaders):
    """Yield (task, batch) alternating between tasks until the longest loader is exhausted."""
    iters = {name: iter(dl) for name, dl in loaders.items()}
    while True:
        done = 0
        for name, it in iters.items():
            batch = next(it, None)
            if batch is None:
                done += 1
                continue
            yield name, batch
        if done == len(iters):
            return


def main():
    set_seed(3)
    accelerator = Accelerator(cpu=True)
    tokenizer = BertTokenizer(write_vocab([c for c, _ in CLAUSES] + [p for a, b, _ in CLAUSE_PAIRS for p in (a, b)]))

    encoder = build_encoder(tokenizer.vocab_size, n_segments=max(spec.segments for spec in TASK_SPECS.values()))
    model = ClauseModel(encoder, TASK_SPECS)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

    loaders = {
        "clause_type": DataLoader(CLAUSES, batch_size=2, shuffle=True,
                                  collate_fn=partial(collate, tokenizer=tokenizer, task="clause_type")),
        "clause_conflict": DataLoader(CLAUSE_PAIRS, batch_size=2, shuffle=True,
                                      collate_fn=partial(collate, tokenizer=tokenizer, task="clause_conflict")),
    }
    model, optimizer, *prepared = accelerator.prepare(model, optimizer, *loaders.values())
    loaders = dict(zip(loaders.keys(), prepared))

    model.train()
    for epoch in range(2):
        running = {name: 0.0 for name in loaders}
        for task, batch in round_robin(loaders):
            target = batch.pop("y")
            logits = model(task, **batch)
            loss = TASK_SPECS[task].loss(logits, target)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            running[task] += loss.item()
        accelerator.print(f"epoch {epoch}: " + ", ".join(f"{k}={v:.3f}" for k, v in running.items()))


if __name__ == "__main__":
    main()
