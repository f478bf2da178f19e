import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, "wafer_maps_26x26.npz")
PATTERNS = ["none", "center", "edge_ring", "edge_loc", "scratch", "random"]

MODEL_CFG = {
    "in_channels": 2,          # pass-die map, fail-die map
    "blocks": [16, 32, 64, 64],
    "kernel": 3,
    "pad": 1,
    "dropout": 0.25,
}
TRAIN_CFG = {"batch_size": 64, "epochs": 4, "lr": 1e-3, "seed": 3}


def synth_wafer(pattern, size, rng):
    yy, xx = np.mgrid[0:size, 0:size]
    c = (size - 1) / 2
    r = np.hypot(yy - c, xx - c) / (size / 2)
    on_wafer = r <= 1.0
    p_fail = np.full((size, size), 0.04)
    if pattern == "center":
        p_fail += 0.7 * (r < rng.uniform(0.25, 0.4))
    elif pattern == "edge_ring":
        p_fail += 0.7 * (r > rng.uniform(0.8, 0.9))
    elif pattern == "edge_loc":
        ang = np.arctan2(yy - c, xx - c)
        a0 = rng.uniform(-np.pi, np.pi)
        p_fail += 0.7 * ((r > 0.75) & (np.abs(np.angle(np.exp(1j * (ang - a0)))) < 0.5))
    elif pattern == "scratch":
        k = rng.uniform(-1, 1)
        b = rng.uniform(-4, 4)
        p_fail += 0.8 * (np.abs((yy - c) - k * (xx - c) - b) < 1.0)
    elif pattern == "random":
        p_fail += 0.25
    fail = (rng.random((size, size)) < np.clip(p_fail, 0, 1)) & on_wafer
    bins = np.where(on_wafer, 1, 0).astype(np.uint8)
    bins[fail] = 2
    return bins


def build_cache(path, n_per_class=80, size=26, seed=0):
    rng = np.random.default_rng(seed)
    maps, labels = [], []
    for li, pat in enumerate(PATTERNS):
        for _ in range(n_per_class):
            maps.append(synth_wafer(pat, size, rng))
            labels.append(li)
    np.savez_compressed(path, maps=np.stack(maps), labels=np.array(labels))


def encode_bins(maps):
    maps = torch.from_numpy(maps).long()
    return torch.stack([(maps == 1).float(), (maps == 2).float()], dim=1)


def make_backbone(cfg):
    layers, cin = [], cfg["in_channels"]
    for cout in cfg["blocks"]:
        layers += [
            nn.Conv2d(cin, cout, cfg["kernel"], padding=cfg["pad"], bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        ]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(cfg["dropout"])]
    return nn.Sequential(*layers), cin


def make_classifier(cfg, n_classes):
    backbone, feat_dim = make_backbone(cfg)
    return nn.Sequential(backbone, nn.Linear(feat_dim, n_classes))


def iterate(x, y, bs, gen=None):
    order = torch.randperm(len(x), generator=gen) if gen is not None else torch.arange(len(x))
    for i in range(0, len(x), bs):
        j = order[i:i + bs]
        yield x[j], y[j]


def main():
    torch.manual_seed(TRAIN_CFG["seed"])
    if not os.path.exists(CACHE):
        build_cache(CACHE)
    blob = np.load(CACHE)
    x, y = encode_bins(blob["maps"]), torch.from_numpy(blob["labels"]).long()
    print(f"loaded {len(x)} wafer maps, tensor {tuple(x.shape)}")

    perm = torch.randperm(len(x))
    n_val = len(x) // 5
    val_idx, tr_idx = perm[:n_val], perm[n_val:]

    model = make_classifier(MODEL_CFG, len(PATTERNS))
    opt = torch.optim.AdamW(model.parameters(), lr=TRAIN_CFG["lr"])
    gen = torch.Generator().manual_seed(TRAIN_CFG["seed"])

    for epoch in range(TRAIN_CFG["epochs"]):
        model.train()
        losses = []
        for xb, yb in iterate(x[tr_idx], y[tr_idx], TRAIN_CFG["batch_size"], gen):
            loss = F.cross_entropy(model(xb), yb, label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            pred = model(x[val_idx]).argmax(1)
        acc = (pred == y[val_idx]).float().mean().item()
        print(f"epoch {epoch}: train_loss={np.mean(losses):.4f} val_acc={acc:.3f}")


if __name__ == "__main__":
    main()
