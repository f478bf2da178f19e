"""Colony-status tagger for apiary inspection logs.

Inspectors write short notes per hive; we predict one of: queenright, queenless,
swarm_prep, disease_watch. Small encoder trained from scratch, config via env.
"""
import os
import random
import logging
from dataclasses import dataclass

os.environ.setdefault("SEED", "11")
os.environ.setdefault("D_MODEL", "64")
os.environ.setdefault("N_HEADS", "4")
os.environ.setdefault("N_LAYERS", "2")
os.environ.setdefault("HIDDEN", "128")      # feed-forward width inside each encoder block
os.environ.setdefault("MAX_LEN", "24")
os.environ.setdefault("EPOCHS", "3")
os.environ.setdefault("BATCH", "4")

import torch
import torch.nn as nn
import torch.nn.functional as F

logging.basicConfig(level=logging.INFO, format="[apiary] %(message)s")
log = logging.getLogger(__name__)

SEED = int(os.environ.get("SEED", "11"))
EPOCHS = int(os.environ.get("EPOCHS", "3"))
STATUSES = ["queenright", "queenless", "swarm_prep", "disease_watch"]

LOGS = [
    ("eggs and young larvae seen calm bees good brood pattern", 0),
    ("no eggs no young brood roaring hive emergency cells drawn", 1),
    ("several capped queen cells on bottom bars crowded supers", 2),
    ("spotty brood sunken cappings foul smell sample sent", 3),
    ("marked queen spotted laying well pollen coming in", 0),
    ("laying workers multiple eggs per cell no queen found", 1),
    ("backfilled brood nest queen cups charged with larvae", 2),
    ("deformed wings seen mite wash count high treat soon", 3),
]


class Vocab:
    def __init__(self, texts):
        words = sorted({w for t in texts for w in t.split()})
        self.itos = ["<pad>", "<unk>", "<cls>"] + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, text):
        max_len = int(os.environ.get("MAX_LEN", "24"))
        ids = [self.stoi["<cls>"]] + [self.stoi.get(w, 1) for w in text.split()]
        ids = ids[:max_len]
        return ids + [0] * (max_len - len(ids))


def make_head(**kw):
    width = kw.get("hidden", int(os.environ.get("HIDDEN", "128")))
    return nn.Sequential(nn.Dropout(kw.get("dropout", 0.1)), nn.Linear(width, kw["n_classes"]))


class HiveNet(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        d = kw["d_model"]
        self.embed = nn.Embedding(kw["vocab_size"], d, padding_idx=0)
        self.pos = nn.Parameter(torch.zeros(1, kw["max_len"], d))
        block = nn.TransformerEncoderLayer(d, kw["n_heads"], dim_feedforward=kw["ffn"], batch_first=True)
        self.encoder = nn.TransformerEncoder(block, kw["n_layers"])
        self.head = make_head(**kw)

    def forward(self, tokens):
        pad = tokens.eq(0)
        h = self.encoder(self.embed(tokens) + self.pos[:, : tokens.size(1)], src_key_padding_mask=pad)
        return self.head(h[:, 0])


def make_model(**kw):
    torch.manual_seed(kw.pop("seed"))
    return HiveNet(**kw)


def build(**cfg):
    model = make_model(**cfg)
    n = sum(p.numel() for p in model.parameters())
    log.info("model ready, %d params", n)
    return model


@dataclass
class Batch:
    tokens: torch.Tensor
    target: torch.Tensor


def iterate(vocab, rows, bs):
    rows = rows[:]
    random.shuffle(rows)
    for i in range(0, len(rows), bs):
        part = rows[i:i + bs]
        yield Batch(torch.tensor([vocab.encode(t) for t, _ in part]), torch.tensor([y for _, y in part]))


def main():
    random.seed(SEED)
    vocab = Vocab([t for t, _ in LOGS])
    cfg = dict(
        seed=SEED,
        vocab_size=len(vocab),
        d_model=int(os.environ.get("D_MODEL", "64")),
        n_heads=int(os.environ.get("N_HEADS", "4")),
        n_layers=int(os.environ.get("N_LAYERS", "2")),
        ffn=int(os.environ.get("HIDDEN", "128")),
        max_len=int(os.environ.get("MAX_LEN", "24")),
        n_classes=len(STATUSES),
    )
    model = build(**cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    bs = int(os.environ.get("BATCH", "4"))

    for ep in range(EPOCHS):
        running = []
        for b in iterate(vocab, LOGS, bs):
            loss = F.cross_entropy(model(b.tokens), b.target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        log.info("epoch %d loss %.4f", ep, sum(running) / len(running))

    model.eval()
    with torch.no_grad():
        q = torch.tensor([vocab.encode("queen cells capped crowded supers")])
        print("status:", STATUSES[model(q).argmax(-1).item()])


if __name__ == "__main__":
    main()
