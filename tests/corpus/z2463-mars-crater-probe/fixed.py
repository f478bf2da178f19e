"""Linear probe for crater / no-crater on CTX-like 64x64 image tiles.

A small conv encoder (trained earlier on unlabeled tiles; here a checkpoint is
written and re-loaded) is frozen, embeddings are extracted once for the whole
labelled set, and a logistic-regression head is trained on top.
"""
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

cfg = {
    "tile": 64,
    "n_tiles": 256,
    "embed_dim": 64,
    "probe_lr": 5e-3,
    "probe_epochs": 5,
    "batch_size": 32,
    "ckpt": os.path.join(HERE, "ctx_encoder.pt"),
    "seed": 3,
}


def make_tiles(n, size, rng):
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    tiles = np.empty((n, 1, size, size), dtype=np.float32)
    labels = np.zeros(n, dtype=np.int64)
    for i in range(n):
        img = 0.5 + 0.05 * rng.standard_normal((size, size))
        # regional slope / illumination gradient
        img += 0.002 * (xx * rng.uniform(-1, 1) + yy * rng.uniform(-1, 1))
        if rng.random() < 0.5:
            labels[i] = 1
            cx, cy = rng.uniform(16, size - 16, 2)
            r = rng.uniform(5, 14)
            d = np.hypot(xx - cx, yy - cy)
            img -= 0.25 * np.exp(-((d / r) ** 2))                 # bowl
            img += 0.15 * np.exp(-(((d - r) / 1.5) ** 2))          # raised rim
            img += 0.1 * np.clip((xx - cx) / r, -1, 1) * (d < r)   # sun-facing wall
        tiles[i, 0] = img
    return tiles, labels


def build_encoder(embed_dim):
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, stride=2, padding=2), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, embed_dim, 3, stride=2, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    )


def load_pretrained_encoder():
    enc = build_encoder(cfg["embed_dim"])
    if not os.path.exists(cfg["ckpt"]):
        torch.save(enc.state_dict(), cfg["ckpt"])
    enc.load_state_dict(torch.load(cfg["ckpt"], map_location="cpu"))
    enc.eval()
    return enc


@torch.no_grad()
def extract_features(encoder, tiles):
    x = torch.from_numpy(tiles)
    x = (x - x.mean(dim=(2, 3), keepdim=True)) / (x.std(dim=(2, 3), keepdim=True) + 1e-6)
    feats = encoder(x)
    return F.normalize(feats, dim=1)


def train_probe(feats, labels):
    probe = nn.Linear(feats.shape[1], 2)
    opt = torch.optim.SGD(probe.parameters(), lr=cfg["probe_lr"], momentum=0.9)
    y = torch.from_numpy(labels)
    n = len(y)
    g = torch.Generator().manual_seed(cfg["seed"])
    for epoch in range(cfg["probe_epochs"]):
        perm = torch.randperm(n, generator=g)
        tot, correct = 0.0, 0
        for start in range(0, n, cfg["batch_size"]):
            idx = perm[start : start + cfg["batch_size"]]
            logits = probe(feats[idx])
            loss = F.cross_entropy(logits, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
            correct += (logits.argmax(1) == y[idx]).sum().item()
        print(f"probe epoch {epoch}: loss {tot / n:.4f} acc {correct / n:.3f}")
    return probe


def main():
    rng = np.random.default_rng(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    tiles, labels = make_tiles(cfg["n_tiles"], cfg["tile"], rng)
    print(f"tiles {tiles.shape}, crater fraction {labels.mean():.2f}")

    encoder = load_pretrained_encoder()
    feats = extract_features(encoder, tiles)
    probe = train_probe(feats, labels)
    torch.save(probe.state_dict(), os.path.join(HERE, "crater_probe.pt"))


if __name__ == "__main__":
    main()
