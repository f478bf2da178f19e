"""Crater morphology classifier on synthetic DEM/optical tiles.

Tiles are rendered from a small synthetic crater catalog; the model is trained
on the northern-highlands region and validated on the southern region.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SEED = 7
TILE = 32

MORPHOLOGY_CODES = {
    "simple": 0,
    "complex": 1,
    "peak-ring": 2,
    "degraded": 3,
    "multi-ring": 4,
}


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def make_catalog(n, rng):
    """Fake crater catalog: lat, lon, diameter_km, morphology."""
    rows = []
    for i in range(n):
        lat = rng.uniform(-70, 70)
        diam = float(np.exp(rng.uniform(np.log(2), np.log(300))))
        if diam < 15:
            morph = "simple" if rng.random() < 0.8 else "degraded"
        elif diam < 120:
            morph = "complex" if rng.random() < 0.75 else "degraded"
        elif diam < 250:
            morph = "peak-ring"
        else:
            morph = "multi-ring"
        # big basins in this catalog are all in the south
        if morph == "multi-ring":
            lat = -abs(lat) - 5
        rows.append({"id": f"CR{i:05d}", "lat": lat, "lon": rng.uniform(0, 360),
                     "diameter_km": diam, "morphology": morph})
    return rows


def render_tile(diam_km, morph, rng):
    yy, xx = np.mgrid[0:TILE, 0:TILE].astype(np.float32)
    r = np.hypot(yy - TILE / 2, xx - TILE / 2)
    radius = 4 + 10 * math.log10(diam_km) / math.log10(300)
    bowl = -np.exp(-(r / radius) ** 2)
    rim = 0.6 * np.exp(-((r - radius) / 1.5) ** 2)
    img = bowl + rim
    if morph in ("complex", "peak-ring", "multi-ring"):
        img += 0.4 * np.exp(-(r / 2.0) ** 2)
    if morph in ("peak-ring", "multi-ring"):
        img += 0.3 * np.exp(-((r - radius / 2) / 1.2) ** 2)
    if morph == "degraded":
        img *= 0.4
    img += rng.normal(0, 0.08, img.shape)
    return img.astype(np.float32)


class CraterTiles(Dataset):
    def __init__(self, rows, seed):
        rng = np.random.default_rng(seed)
        self.images = [render_tile(r["diameter_km"], r["morphology"], rng) for r in rows]
        self.labels = [MORPHOLOGY_CODES[r["morphology"]] for r in rows]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        x = torch.from_numpy(self.images[idx]).unsqueeze(0)
        return x, torch.tensor(self.labels[idx], dtype=torch.long)


class CraterNet(nn.Module):
    def __init__(self, num_classes, width=16):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width, width * 2, 3, padding=1), nn.BatchNorm2d(width * 2), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width * 2, width * 4, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Linear(width * 4, num_classes)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


def evaluate(model, loader):
    model.eval()
    total, correct, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(1) == y).sum().item()
            total += y.numel()
    return loss_sum / total, correct / total


def main():
    set_seed(SEED)
    rng = np.random.default_rng(SEED)
    catalog = make_catalog(600, rng)
    north = [r for r in catalog if r["lat"] >= 0]
    south = [r for r in catalog if r["lat"] < 0]

    train_ds = CraterTiles(north, seed=1)
    val_ds = CraterTiles(south, seed=2)
    num_classes = len(MORPHOLOGY_CODES)
    print(f"train tiles={len(train_ds)} val tiles={len(val_ds)} classes={num_classes}")

    train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=64)

    model = CraterNet(num_classes)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)

    for epoch in range(2):
        model.train()
        running = 0.0
        for step, (x, y) in enumerate(train_loader):
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        val_loss, val_acc = evaluate(model, val_loader)
        print(f"epoch {epoch} train_loss={running / (step + 1):.3f} "
              f"val_loss={val_loss:.3f} val_acc={val_acc:.3f}")


if __name__ == "__main__":
    main()
