from dataclasses import dataclass, field
from typing import List

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split


@dataclass
class TrainConfig:
    channels: List[str] = field(default_factory=lambda: ["VIS006", "IR039", "WV062", "IR108", "IR120"])
    storm_types: List[str] = field(default_factory=lambda: ["supercell", "mcs", "squall_line", "pulse", "tropical"])
    patch: int = 32
    n_scenes: int = 240
    batch_size: int = 24
    epochs: int = 2
    lr: float = 1e-3
    val_frac: float = 0.2
    threshold: float = 0.5
    seed: int = 2024


def synth_scenes(cfg: TrainConfig):
    """Fake SEVIRI-like patches: cold, textured cloud tops for deep convection."""
    rng = np.random.default_rng(cfg.seed)
    C, P, K = len(cfg.channels), cfg.patch, len(cfg.storm_types)
    x = np.empty((cfg.n_scenes, C, P, P), dtype=np.float32)
    y = np.zeros((cfg.n_scenes, K), dtype=np.float32)
    yy, xx = np.mgrid[0:P, 0:P]
    for i in range(cfg.n_scenes):
        present = rng.random(K) < 0.3
        y[i] = present
        bt108 = 285.0 + rng.normal(0, 2, (P, P))
        for k in np.flatnonzero(present):
            cy, cx = rng.uniform(6, P - 6, 2)
            if cfg.storm_types[k] == "squall_line":
                dist = np.abs((yy - cy) * 0.7 - (xx - cx) * 0.7)
            else:
                dist = np.hypot(yy - cy, xx - cx)
            depth = {"supercell": 75, "mcs": 70, "squall_line": 60, "pulse": 40, "tropical": 80}[cfg.storm_types[k]]
            bt108 -= depth * np.exp(-dist ** 2 / (2 * (3 + 2 * k) ** 2))
        x[i, 3] = bt108
        x[i, 4] = bt108 - rng.uniform(0.5, 2.5)
        x[i, 2] = 0.35 * bt108 + 140 + rng.normal(0, 1, (P, P))
        x[i, 1] = bt108 + 8 + rng.normal(0, 3, (P, P))
        x[i, 0] = np.clip((290 - bt108) / 90 + rng.normal(0, 0.05, (P, P)), 0, 1)
    return x, y


def channel_stats(x):
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    std = x.std(axis=(0, 2, 3), keepdims=True) + 1e-6
    return mean, std


class StormTypeNet(nn.Module):
    def __init__(self, in_ch, n_types):
        super().__init__()
        def block(i, o):
            return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(inplace=True))
        self.features = nn.Sequential(
            block(in_ch, 24), block(24, 24), nn.MaxPool2d(2),
            block(24, 48), block(48, 48), nn.MaxPool2d(2),
            block(48, 64), nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(64, n_types))

    def forward(self, x):
        return self.classifier(self.features(x))

    @torch.no_grad()
    def predict_proba(self, x):
        return torch.sigmoid(self.forward(x))


def evaluate(model, loader, cfg):
    model.eval()
    tp = fp = fn = 0
    for xb, yb in loader:
        pred = (model.predict_proba(xb) > cfg.threshold).float()
        tp += (pred * yb).sum().item()
        fp += (pred * (1 - yb)).sum().item()
        fn += ((1 - pred) * yb).sum().item()
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    return 2 * prec * rec / max(prec + rec, 1e-8)


def run(cfg: TrainConfig):
    torch.manual_seed(cfg.seed)
    x, y = synth_scenes(cfg)
    mean, std = channel_stats(x)
    ds = TensorDataset(torch.from_numpy((x - mean) / std), torch.from_numpy(y))
    n_val = int(len(ds) * cfg.val_frac)
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(cfg.seed))
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, drop_last=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = StormTypeNet(len(cfg.channels), len(cfg.storm_types))
    pos_rate = torch.from_numpy(y).mean(0)
    class_weight = (1.0 / pos_rate.clamp(min=0.05)).clamp(max=6.0)
    criterion = nn.BCEWithLogitsLoss(weight=class_weight)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for xb, yb in train_dl:
            logits = model(xb)
            loss = criterion(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        f1 = evaluate(model, val_dl, cfg)
        print(f"epoch {epoch}: train_loss={running / len(train_dl):.4f} val_microF1={f1:.3f}")


if __name__ == "__main__":
    run(TrainConfig())
