# Seismic bulletin triage: bag-of-words classifier over analysts' short event remarks.
# Plain torch, no tokenizer library -- the remarks are terse and the vocabulary is tiny.
import random
import re
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


class AttrDict(dict):
    def __getattr__(self, k):
        if k.startswith("__"):
            raise AttributeError(k)
        v = self.get(k)
        if v is None and k not in self:
            raise AttributeError(f"missing config key: {k}")
        return v

    def __setattr__(self, k, v):
        self[k] = v


def to_attr(tree):
    return AttrDict({k: to_attr(v) if isinstance(v, dict) else v for k, v in tree.items()})


DEFAULT_TREE = to_attr({
    "seed": 2024,
    "vocab": {"min_count": 1, "unk": "<unk>"},
    "model": {"emb_dim": 24, "n_classes": 4, "dropout": 0.2},
    "fit": {"lr": 0.05, "epochs": 5, "batch": 4},
})
RUN_OVERRIDES = ["model.emb_dim=40", "fit.epochs=8", "fit.lr=0.03"]

EVENT_TYPES = ["earthquake", "quarry_blast", "sonic_boom", "icequake", "landslide"]


@dataclass
class Remark:
    text: str
    kind: str


REMARKS = [
    Remark("clear P and S phases depth 12 km felt reports", "earthquake"),
    Remark("daytime event near open pit compressional first motion", "quarry_blast"),
    Remark("airwave arrival no body waves coastal stations only", "sonic_boom"),
    Remark("glacier terminus emergent onset low frequency", "icequake"),
    Remark("long duration emergent signal slope failure reported", "landslide"),
    Remark("aftershock sequence strike slip mechanism", "earthquake"),
    Remark("scheduled blasting window shallow explosion", "quarry_blast"),
    Remark("acoustic arrival aircraft overflight reported", "sonic_boom"),
]


def parse_value(s):
    if re.fullmatch(r"-?\d+", s):
        return int(s)
    if re.fullmatch(r"-?\d*\.\d+(e-?\d+)?|-?\d+e-?\d+", s):
        return float(s)
    return s


def merged_config(defaults, overrides):
    patch = {}
    for line in overrides:
        lhs, rhs = line.split("=")
        node = patch
        segments = lhs.split(".")
        for seg in segments[:-1]:
            node = node.setdefault(seg, {})
        node[segments[-1]] = parse_value(rhs)

    def rec(a, b):
        out = to_attr(a)
        for k, v in b.items():
            out[k] = rec(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
        return out

    return rec(defaults, patch)


class BulletinClassifier(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, cfg.model.emb_dim, mode="mean")
        self.drop = nn.Dropout(cfg.model.dropout)
        self.out = nn.Linear(cfg.model.emb_dim, cfg.model.n_classes)

    def forward(self, flat_ids, offsets):
        return self.out(self.drop(self.bag(flat_ids, offsets)))


def build_vocab(remarks, unk):
    vocab = {unk: 0}
    for r in remarks:
        for w in r.text.lower().split():
            vocab.setdefault(w, len(vocab))
    return vocab


def pack(batch, vocab):
    ids, offsets = [], []
    for r in batch:
        offsets.append(len(ids))
        ids.extend(vocab.get(w, 0) for w in r.text.lower().split())
    targets = torch.tensor([EVENT_TYPES.index(r.kind) for r in batch])
    return torch.tensor(ids), torch.tensor(offsets), targets


def main():
    cfg = merged_config(DEFAULT_TREE, RUN_OVERRIDES)
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    vocab = build_vocab(REMARKS, cfg.vocab.unk)
    clf = BulletinClassifier(len(vocab), cfg)
    sgd = torch.optim.SGD(clf.parameters(), lr=cfg.fit.lr, momentum=0.9)
    print(f"{len(REMARKS)} remarks, vocab {len(vocab)}, emb_dim {cfg.model.emb_dim}")

    order = list(range(len(REMARKS)))
    for epoch in range(1, cfg.fit.epochs + 1):
        random.shuffle(order)
        total = 0.0
        for s in range(0, len(order), cfg.fit.batch):
            chunk = [REMARKS[i] for i in order[s:s + cfg.fit.batch]]
            flat, offs, gold = pack(chunk, vocab)
            loss = F.cross_entropy(clf(flat, offs), gold)
            sgd.zero_grad()
            loss.backward()
            sgd.step()
            total += loss.item()
        if epoch % 2 == 0:
            print(f"epoch {epoch}  loss {total:.3f}")

    clf.eval()
    flat, offs, gold = pack(REMARKS, vocab)
    with torch.no_grad():
        hits = (clf(flat, offs).argmax(1) == gold).sum().item()
    print(f"fit accuracy {hits}/{len(REMARKS)}")


if __name__ == "__main__":
    main()
