"""Danger-level estimator for regional avalanche bulletin snippets.

Forecasters' snowpack summaries -> European danger scale (1 low .. 5 very high).
Bag-of-embeddings baseline; the service reads all knobs from the environment.
"""
import os
import re
import random
from collections import Counter

os.environ.setdefault("AVY_SEED", "21")
os.environ.setdefault("EMB_DIM", "48")
os.environ.setdefault("MLP_DIM", "32")
os.environ.setdefault("NUM_CLASSES", "4")
os.environ.setdefault("MIN_FREQ", "1")
os.environ.setdefault("STEPS", "30")
os.environ.setdefault("BATCH_SIZE", "3")

import torch
import torch.nn as nn

AVY_SEED = int(os.environ.get("AVY_SEED", "21"))
STEPS = int(os.environ.get("STEPS", "30"))
LEVEL_NAMES = {1: "low", 2: "moderate", 3: "considerable", 4: "high", 5: "very high"}

BULLETINS = [
    {"text": "well bonded snowpack, isolated wet loose on steep sunny slopes in the afternoon", "level": 1},
    {"text": "small wind slabs near ridgelines, generally stable below treeline", "level": 2},
    {"text": "persistent weak layer of buried surface hoar, remote triggering possible on shady aspects", "level": 3},
    {"text": "heavy snowfall and strong winds, widespread fresh slabs, natural releases likely", "level": 4},
    {"text": "extreme loading after meter of new snow, large natural avalanches reaching valley floors", "level": 5},
    {"text": "crust on most aspects, minor sluffing only", "level": 1},
    {"text": "fresh wind slabs on lee slopes, human triggering likely on steep terrain", "level": 3},
    {"text": "rain on snow, numerous wet slab releases, roads closed", "level": 5},
]


def tokenize(text):
    return re.findall(r"[a-z]+", text.lower())


def build_vocab(texts):
    counts = Counter(w for t in texts for w in tokenize(t))
    keep = [w for w, c in counts.most_common() if c >= int(os.environ.get("MIN_FREQ", "1"))]
    return {w: i + 1 for i, w in enumerate(keep)}  # 0 = unknown


class BulletinClassifier(nn.Module):
    def __init__(self, vocab_size, emb_dim, mlp_dim, n_classes, **_):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size + 1, emb_dim, mode="mean")
        self.mlp = nn.Sequential(nn.Linear(emb_dim, mlp_dim), nn.GELU(), nn.Linear(mlp_dim, n_classes))

    def forward(self, flat_ids, offsets):
        return self.mlp(self.bag(flat_ids, offsets))


def make_model(**cfg):
    torch.manual_seed(cfg.pop("seed", 0))
    return BulletinClassifier(**cfg)


def build(**cfg):
    model = make_model(**cfg)
    optimiser = torch.optim.Adam(model.parameters(), lr=float(cfg.get("lr", 5e-3)))
    return model, optimiser, nn.CrossEntropyLoss()


def sample_batches(rows, vocab, bs):
    while True:
        picked = random.sample(rows, bs)
        seqs = [[vocab.get(w, 0) for w in tokenize(r["text"])] for r in picked]
        offsets = torch.tensor([0] + [len(s) for s in seqs[:-1]]).cumsum(0)
        flat = torch.tensor([i for s in seqs for i in s])
        target = torch.tensor([r["level"] - 1 for r in picked])
        yield flat, offsets, target


def main():
    random.seed(AVY_SEED)
    vocab = build_vocab([b["text"] for b in BULLETINS])
    cfg = {
        "seed": AVY_SEED,
        "vocab_size": len(vocab),
        "emb_dim": int(os.environ.get("EMB_DIM", "48")),
        "mlp_dim": int(os.environ.get("MLP_DIM", "32")),
        "n_classes": int(os.environ.get("NUM_CLASSES", "4")),
        "lr": 5e-3,
    }
    print("config:", cfg)
    model, optimiser, criterion = build(**cfg)

    stream = sample_batches(BULLETINS, vocab, int(os.environ.get("BATCH_SIZE", "3")))
    for step in range(STEPS):
        flat, offsets, target = next(stream)
        logits = model(flat, offsets)
        loss = criterion(logits, target)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % 10 == 0:
            print(f"step {step:3d}  loss {loss.item():.4f}")

    model.eval()
    probe = "strong winds building fresh slabs on lee slopes"
    ids = torch.tensor([vocab.get(w, 0) for w in tokenize(probe)])
    with torch.no_grad():
        level = model(ids, torch.tensor([0])).argmax(-1).item() + 1
    print(f"forecast: level {level} ({LEVEL_NAMES[level]})")


if __name__ == "__main__":
    main()
