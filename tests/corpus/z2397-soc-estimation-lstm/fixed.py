"""State-of-charge estimation from drive-cycle telemetry.

SOC is discretised into bins and predicted per timestep from (current, voltage,
temperature) windows with a Conv1d front-end and a GRU. Coulomb counting on the
simulated current gives the ground-truth SOC trace.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class SocConfig:
    n_traces: int = 24
    trace_len: int = 1200
    window: int = 120
    stride: int = 120
    n_soc_bins: int = 21
    capacity_ah: float = 2.5
    conv_channels: int = 16
    hidden: int = 48
    batch_size: int = 16
    lr: float = 3e-3
    epochs: int = 2
    seed: int = 3


def ocv_curve(soc):
    return 3.0 + 1.2 * soc - 0.35 * np.exp(-12 * soc) + 0.08 * np.tanh(8 * (soc - 0.9))


def simulate_trace(cfg, rng):
    t = np.arange(cfg.trace_len)
    current = 1.5 * np.sin(t / rng.uniform(20, 60)) + rng.normal(0.8, 0.6, cfg.trace_len)
    soc = np.clip(rng.uniform(0.6, 1.0) - np.cumsum(current) / (cfg.capacity_ah * 3600), 0.0, 1.0)
    r0 = rng.uniform(0.03, 0.07)
    temp = 25 + np.cumsum(rng.normal(0, 0.02, cfg.trace_len)) + 0.4 * np.abs(current)
    voltage = ocv_curve(soc) - r0 * current + rng.normal(0, 0.004, cfg.trace_len)
    feats = np.stack([current, voltage, (temp - 25) / 10], axis=-1)
    return feats.astype(np.float32), soc.astype(np.float32)


class DriveCycleWindows(Dataset):
    def __init__(self, cfg, rng):
        self.cfg = cfg
        self.items = []
        for _ in range(cfg.n_traces):
            feats, soc = simulate_trace(cfg, rng)
            for start in range(0, cfg.trace_len - cfg.window + 1, cfg.stride):
                sl = slice(start, start + cfg.window)
                self.items.append((feats[sl], soc[sl]))

    def soc_to_bin(self, soc):
        return np.minimum((soc * (self.cfg.n_soc_bins - 1)).round(), self.cfg.n_soc_bins - 1).astype(np.int64)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        feats, soc = self.items[i]
        return torch.from_numpy(feats), torch.from_numpy(self.soc_to_bin(soc))


class SocEstimator(nn.Module):
    def __init__(self, cfg, n_features=3):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(n_features, cfg.conv_channels, kernel_size=5, padding=2),
            nn.GELU(),
        )
        self.gru = nn.GRU(cfg.conv_channels, cfg.hidden, batch_first=True)
        self.head = nn.Linear(cfg.hidden, cfg.n_soc_bins)

    def forward(self, x):
        h = self.conv(x.transpose(1, 2)).transpose(1, 2)
        h, _ = self.gru(h)
        return self.head(h)


class Trainer:
    def __init__(self, cfg):
        self.cfg = cfg
        rng = np.random.default_rng(cfg.seed)
        torch.manual_seed(cfg.seed)
        self.dataset = DriveCycleWindows(cfg, rng)
        self.loader = DataLoader(self.dataset, batch_size=cfg.batch_size, shuffle=True)
        self.model = SocEstimator(cfg)
        self.criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr)

    def step(self, feats, soc_bins):
        soc_logits = self.model(feats)
        loss = self.criterion(soc_logits.transpose(1, 2), soc_bins)
        self.opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        acc = (soc_logits.argmax(-1) == soc_bins).float().mean()
        return loss.item(), acc.item()

    def fit(self):
        for epoch in range(self.cfg.epochs):
            losses, accs = [], []
            for feats, soc_bins in self.loader:
                loss, acc = self.step(feats, soc_bins)
                losses.append(loss)
                accs.append(acc)
            print(f"epoch {epoch}: loss {np.mean(losses):.3f}  bin acc {np.mean(accs):.3f}")


if __name__ == "__main__":
    Trainer(SocConfig()).fit()
