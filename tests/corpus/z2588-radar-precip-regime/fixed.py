"""Per-frame precipitation regime tagging from composite radar reflectivity loops.

Each sample is a 12-frame (1 h at 5-min cadence) loop of dBZ composites cropped
around a gauge site. Every frame gets one of four regimes:
0 = no echo, 1 = stratiform, 2 = convective, 3 = mixed/transition.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 7
N_FRAMES = 12
CROP = 32
REGIMES = ["none", "stratiform", "convective", "mixed"]
DBZ_MIN, DBZ_MAX = -10.0, 70.0

torch.manual_seed(SEED)
np.random.seed(SEED)
random.seed(SEED)


def synth_loop(rng):
    """Moving Gaussian cells on a noisy background; regime from max dBZ per frame."""
    yy, xx = np.mgrid[0:CROP, 0:CROP]
    cx, cy = rng.uniform(0, CROP, size=2)
    vx, vy = rng.normal(0, 1.2, size=2)
    peak = rng.uniform(15, 60)
    growth = rng.normal(0, 2.5)
    frames, regimes = [], []
    for t in range(N_FRAMES):
        amp = np.clip(peak + growth * t, 0, 68)
        cell = amp * np.exp(-((xx - cx - vx * t) ** 2 + (yy - cy - vy * t) ** 2) / (2 * 4.0 ** 2))
        dbz = cell + rng.normal(0, 2.0, size=cell.shape) - 5.0
        frames.append(dbz)
        mx = dbz.max()
        if mx < 15:
            regimes.append(0)
        elif mx < 35:
            regimes.append(1)
        elif mx < 45:
            regimes.append(3)
        else:
            regimes.append(2)
    return np.stack(frames).astype(np.float32), np.array(regimes, dtype=np.int64)


class RadarLoopDataset(Dataset):
    def __init__(self, n_loops, seed):
        rng = np.random.default_rng(seed)
        self.loops, self.regimes = zip(*(synth_loop(rng) for _ in range(n_loops)))

    def __len__(self):
        return len(self.loops)

    def __getitem__(self, i):
        dbz = np.clip(self.loops[i], DBZ_MIN, DBZ_MAX)
        dbz = (dbz - DBZ_MIN) / (DBZ_MAX - DBZ_MIN)
        return torch.from_numpy(dbz).unsqueeze(1), torch.from_numpy(self.regimes[i])


class FrameEncoder(nn.Module):
    def __init__(self, feat_dim=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, feat_dim, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )

    def forward(self, x):
        return self.net(x).flatten(1)


class RegimeTagger(nn.Module):
    def __init__(self, n_regimes, feat_dim=64, hidden=48):
        super().__init__()
        self.encoder = FrameEncoder(feat_dim)
        self.temporal = nn.GRU(feat_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(2 * hidden, n_regimes))

    def forward(self, loops):
        b, t, c, h, w = loops.shape
        feats = self.encoder(loops.reshape(b * t, c, h, w)).reshape(b, t, -1)
        seq, _ = self.temporal(feats)
        return self.head(seq)


def regime_weights(dataset, n_classes):
    counts = torch.zeros(n_classes)
    for r in dataset.regimes:
        counts += torch.bincount(torch.from_numpy(r), minlength=n_classes).float()
    w = counts.sum() / (counts.clamp(min=1) * n_classes)
    return w / w.mean()


def run_epoch(model, loader, criterion, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total, correct, n = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for loops, regimes in loader:
            logits = model(loops)
            loss = criterion(logits.permute(0, 2, 1), regimes)
            if training:
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
            total += loss.item() * loops.size(0)
            correct += (logits.argmax(-1) == regimes).sum().item()
            n += regimes.numel()
    return total / len(loader.dataset), correct / n


def main():
    train_ds = RadarLoopDataset(96, seed=1)
    val_ds = RadarLoopDataset(32, seed=2)
    train_dl = DataLoader(train_ds, batch_size=8, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=16)

    model = RegimeTagger(n_regimes=len(REGIMES))
    criterion = nn.CrossEntropyLoss(weight=regime_weights(train_ds, len(REGIMES)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=3)

    for epoch in range(3):
        tr_loss, tr_acc = run_epoch(model, train_dl, criterion, optimizer)
        va_loss, va_acc = run_epoch(model, val_dl, criterion)
        sched.step()
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2%}  val {va_loss:.3f}/{va_acc:.2%}"
              f"  lr {sched.get_last_lr()[0]:.2e}")
    assert not math.isnan(va_loss)


if __name__ == "__main__":
    main()
