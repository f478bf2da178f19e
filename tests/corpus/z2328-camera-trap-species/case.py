"""Camera-trap species classifier for the Ruaha grid deployment.

Trains a small CNN on cropped trigger frames. The real pipeline reads JPEGs
from the SD-card dumps; here we synthesise frames so the loop can be tested.
"""
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

SPECIES = [
    "impala", "greater_kudu", "giraffe", "african_elephant", "lion",
    "spotted_hyena", "leopard", "common_warthog", "plains_zebra",
]


@dataclass
class TrainConfig:
    img_size: int = 32
    batch_size: int = 16
    epochs: int = 2
    lr: float = 3e-4
    frames_per_station: int = 24
    stations: list = field(default_factory=lambda: [f"RU{i:03d}" for i in range(1, 9)])
    include_blank: bool = True
    include_human: bool = True
    seed: int = 7


def build_label_map(species, include_blank=True, include_human=True):
    names = list(species)
    if include_human:
        names.append("human")
    if include_blank:
        names.append("empty")
    return {name: idx for idx, name in enumerate(names)}


def synth_metadata(cfg, label_map, rng):
    rows = []
    names = list(label_map.keys())
    weights = np.ones(len(names))
    if "empty" in label_map:
        weights[label_map["empty"]] = 6.0
    weights /= weights.sum()
    for station in cfg.stations:
        for k in range(cfg.frames_per_station):
            sp = names[rng.choice(len(names), p=weights)]
            rows.append({
                "station": station,
                "frame_id": f"{station}_IMG{k:04d}",
                "species": sp,
                "night": bool(rng.random() < 0.4),
            })
    return rows


class CameraTrapFrames(Dataset):
    def __init__(self, rows, label_map, img_size, seed=0):
        self.rows = rows
        self.label_map = label_map
        self.img_size = img_size
        self.seed = seed

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        g = torch.Generator().manual_seed(self.seed + idx)
        img = torch.rand(3, self.img_size, self.img_size, generator=g)
        if row["night"]:
            gray = img.mean(0, keepdim=True) * 0.35
            img = gray.expand(3, -1, -1).clone()
        y = self.label_map[row["species"]]
        return img, torch.tensor(y, dtype=torch.long)


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)


class CameraTrapNet(nn.Module):
    def __init__(self, num_classes, width=16):
        super().__init__()
        self.features = nn.Sequential(
            ConvBlock(3, width),
            ConvBlock(width, width * 2),
            ConvBlock(width * 2, width * 4),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.2)
        self.head = nn.Linear(width * 4, num_classes)

    def forward(self, x):
        h = self.pool(self.features(x)).flatten(1)
        return self.head(self.dropout(h))


def split_by_station(rows, holdout):
    train = [r for r in rows if r["station"] not in holdout]
    val = [r for r in rows if r["station"] in holdout]
    return train, val


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for imgs, ys in loader:
            preds = model(imgs).argmax(1)
            correct += (preds == ys).sum().item()
            total += ys.numel()
    return correct / max(total, 1)


def main():
    cfg = TrainConfig()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)

    label_map = build_label_map(SPECIES, cfg.include_blank, cfg.include_human)
    rows = synth_metadata(cfg, label_map, rng)
    train_rows, val_rows = split_by_station(rows, holdout={"RU007", "RU008"})
    print(f"{len(train_rows)} train frames, {len(val_rows)} val frames, "
          f"{len(label_map)} labels")

    train_ds = CameraTrapFrames(train_rows, label_map, cfg.img_size, seed=cfg.seed)
    val_ds = CameraTrapFrames(val_rows, label_map, cfg.img_size, seed=cfg.seed + 10_000)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = CameraTrapNet(num_classes=len(SPECIES))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.05)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for step, (imgs, ys) in enumerate(train_dl):
            logits = model(imgs)
            loss = criterion(logits, ys)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch}: loss {running / (step + 1):.4f}  val acc {acc:.3f}")

    print(f"final val acc {acc:.3f}")


if __name__ == "__main__":
    main()
