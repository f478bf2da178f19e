"""Rumination / eating / other detection from raw ear-tag accelerometer windows.

1D CNN on the 3-axis signal. Tags log at 10 Hz; windows are cut without overlap
from each cow's continuous recording.
"""
from dataclasses import dataclass
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class TagConfig:
    fs_hz: int = 10
    window_s: int = 4
    channels: tuple = (16, 32, 64)
    kernel: int = 7
    pool: int = 2
    n_classes: int = 3
    batch_size: int = 32
    epochs: int = 3
    lr: float = 2e-3
    seed: int = 5

    @property
    def window_len(self):
        return self.fs_hz * self.window_s


CLASSES = ["rumination", "eating", "other"]


def synth_recording(minutes, fs, rng):
    """Continuous ear-tag recording with behaviour bouts of 1-6 min."""
    n = minutes * 60 * fs
    t = np.arange(n) / fs
    sig = np.zeros((3, n), dtype=np.float32)
    lab = np.zeros(n, dtype=np.int64)
    pos = 0
    while pos < n:
        beh = rng.integers(3)
        bout = int(rng.integers(60, 360) * fs)
        sl = slice(pos, min(pos + bout, n))
        tt = t[sl]
        if beh == 0:      # chewing cycles ~1 Hz, mostly on the jaw-aligned axis
            sig[1, sl] = 0.15 * np.sin(2 * np.pi * 1.0 * tt + rng.random())
        elif beh == 1:    # head down, faster irregular bites
            sig[0, sl] = -0.4
            sig[1, sl] = 0.25 * np.sin(2 * np.pi * 1.3 * tt) * (rng.random(len(tt)) > 0.2)
        else:
            sig[:, sl] = 0.05 * np.cumsum(rng.normal(0, 0.05, (3, len(tt))), axis=1)
        lab[sl] = beh
        pos += bout
    sig += rng.normal(0, 0.03, sig.shape).astype(np.float32)
    sig[2] += 1.0
    return sig, lab


class EarTagWindows(Dataset):
    def __init__(self, cfg, n_cows, minutes, seed):
        rng = np.random.default_rng(seed)
        xs, ys = [], []
        w = cfg.window_len
        for _ in range(n_cows):
            sig, lab = synth_recording(minutes, cfg.fs_hz, rng)
            n_win = sig.shape[1] // w
            for i in range(n_win):
                seg = lab[i * w:(i + 1) * w]
                xs.append(sig[:, i * w:(i + 1) * w])
                ys.append(np.bincount(seg, minlength=cfg.n_classes).argmax())
        self.x = torch.from_numpy(np.stack(xs))
        self.y = torch.tensor(ys)
        self.x = self.x - self.x.mean(dim=(0, 2), keepdim=True)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out, k, pool):
        super().__init__()
        self.conv = nn.Conv1d(c_in, c_out, kernel_size=k)
        self.bn = nn.BatchNorm1d(c_out)
        self.pool = nn.MaxPool1d(pool)

    def forward(self, x):
        return self.pool(F.relu(self.bn(self.conv(x))))


class RuminationNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        blocks, c_in = [], 3
        for c_out in cfg.channels:
            blocks.append(ConvBlock(c_in, c_out, cfg.kernel, cfg.pool))
            c_in = c_out
        self.features = nn.Sequential(*blocks)
        self.head = nn.Linear(c_in, cfg.n_classes)

    def forward(self, x):
        h = self.features(x)
        return self.head(h.mean(dim=-1))


class Trainer:
    def __init__(self, cfg, model, train_ds, val_ds):
        self.cfg = cfg
        self.model = model
        self.train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, drop_last=True)
        self.val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)
        self.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.sched = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.opt, T_max=cfg.epochs * math.ceil(len(train_ds) / cfg.batch_size))

    def step(self, xb, yb):
        logits = self.model(xb)
        loss = F.cross_entropy(logits, yb)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        self.sched.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        hits = n = 0
        for xb, yb in self.val_dl:
            hits += (self.model(xb).argmax(1) == yb).sum().item()
            n += len(yb)
        self.model.train()
        return hits / n

    def fit(self):
        self.model.train()
        for ep in range(self.cfg.epochs):
            losses = [self.step(xb, yb) for xb, yb in self.train_dl]
            print(f"epoch {ep}: loss {np.mean(losses):.4f}  val acc {self.evaluate():.3f}")


if __name__ == "__main__":
    cfg = TagConfig()
    torch.manual_seed(cfg.seed)
    train_ds = EarTagWindows(cfg, n_cows=4, minutes=30, seed=cfg.seed)
    val_ds = EarTagWindows(cfg, n_cows=2, minutes=20, seed=cfg.seed + 100)
    print(f"{len(train_ds)} train windows of {cfg.window_len} samples, {len(val_ds)} val")
    Trainer(cfg, RuminationNet(cfg), train_ds, val_ds).fit()
