"""Colony-status tagger for apiary inspection logs (tiny BERT, Accelerate loop).

The tokenizer pass is expensive on the real logbook, so it runs once and drops
its output into a cache folder; training only ever touches the cached files.
"""
import functools
import json
import os
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)

COLONY_STATUS = ["queenright", "queenless", "swarm_prep", "brood_disease"]

HIVE_LOG = [
    ("eggs seen in fresh cells calm brood pattern", "queenright"),
    ("marked queen sighted on frame four laying well", "queenright"),
    ("no eggs no young larvae roaring noise at the entrance", "queenless"),
    ("emergency cells drawn on the brood frames no queen sighted", "queenless"),
    ("several capped swarm cells along the bottom bars", "swarm_prep"),
    ("crowded boxes queen cups charged with larvae", "swarm_prep"),
    ("sunken perforated cappings ropey test positive", "brood_disease"),
    ("spotty brood chalky mummies on the landing board", "brood_disease"),
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(folder):
    words = sorted({w for line, _ in HIVE_LOG for w in line.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path, len(SPECIALS) + len(words)


def cache_tokenized(folder):
    vocab_path, vocab_size = write_vocab(folder)
    tok = BertTokenizer(vocab_path)
    lines = [line for line, _ in HIVE_LOG]

    packed = tok(lines, padding="longest", return_tensors="pt")
    lengths = packed["attention_mask"].sum(dim=1)
    torch.save({"ids": packed["input_ids"], "lengths": lengths},
               os.path.join(folder, "hive_tokens.pt"))

    with open(os.path.join(folder, "status.json"), "w") as fh:
        json.dump([COLONY_STATUS.index(s) for _, s in HIVE_LOG], fh)

    widest = int(packed["input_ids"].shape[1])
    with open(os.path.join(folder, "meta.json"), "w") as fh:
        json.dump({"rows": len(lines), "vocab_size": vocab_size, "max_wordpieces": widest}, fh)
    print(f"[cache] {len(lines)} log lines tokenized into {folder}")


@functools.lru_cache(maxsize=None)
def read_meta(folder):
    with open(os.path.join(folder, "meta.json")) as fh:
        return json.load(fh)


@functools.lru_cache(maxsize=None)
def read_tokens(folder):
    blob = torch.load(os.path.join(folder, "hive_tokens.pt"))
    with open(os.path.join(folder, "status.json")) as fh:
        status = json.load(fh)
    return blob["ids"], blob["lengths"], torch.tensor(status)


@dataclass
class HiveBatch:
    token_ids: torch.Tensor
    keep: torch.Tensor
    status: torch.Tensor

    def as_model_kwargs(self):
        return {"input_ids": self.token_ids, "attention_mask": self.keep, "labels": self.status}


def stack_rows(rows, width):
    idx = torch.tensor(rows)
    ids, lengths, status = read_tokens(CACHE)
    positions = torch.arange(width).unsqueeze(0)
    keep = (positions < lengths[idx].unsqueeze(1)).long()
    return HiveBatch(ids[idx], keep, status[idx])


def train(folder):
    meta = read_meta(folder)
    accelerator = Accelerator(cpu=True)

    cfg = BertConfig(vocab_size=meta["vocab_size"], hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=len(COLONY_STATUS))
    model = BertForSequenceClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    collate = functools.partial(stack_rows, width=meta["max_wordpieces"])
    loader = DataLoader(list(range(meta["rows"])), batch_size=4, shuffle=True, collate_fn=collate)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch.as_model_kwargs())
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")


CACHE = tempfile.mkdtemp(prefix="apiary_")

if __name__ == "__main__":
    cache_tokenized(CACHE)
    train(CACHE)
    print("done")
