"""Per-channel anomaly classifier for housekeeping telemetry frames.
A CSV dump of decommutated frames (frame_no, channel_id, 8 stats) is read back,
each row gets a learned channel embedding and the model predicts an anomaly flag."""
import abc
import csv
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
STAT_COLS = ["mean", "std", "min", "max", "slope", "kurt", "zero_x", "jitter"]

FRAME_SOURCES = {}


def frame_source(name):
    def register(cls):
        FRAME_SOURCES[name] = cls
        return cls
    return register


@dataclass(frozen=True)
class HKConfig:
    n_channels: int
    emb_dim: int = 8
    hidden: int = 32
    batch_size: int = 64
    epochs: int = 3
    source: str = "csv_dump"

    @classmethod
    def for_bus(cls, bus: str):
        channels = {"primary": 48, "payload": 24}[bus]
        return cls(n_channels=channels)


class FrameSource(abc.ABC):
    @abc.abstractmethod
    def load(self):
        """Return (channel_ids, stats, labels) as tensors."""


@frame_source("csv_dump")
class CsvDumpSource(FrameSource):
    def __init__(self, cfg: HKConfig, path: str):
        self.cfg = cfg
        self.path = path

    def write_synthetic(self, n_frames=40, seed=3):
        rng = np.random.default_rng(seed)
        with open(self.path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["frame_no", "channel_id"] + STAT_COLS + ["anomaly"])
            for f in range(n_frames):
                for ch in range(self.cfg.n_channels):
                    stats = rng.normal(0, 1, len(STAT_COLS))
                    bad = rng.random() < 0.06
                    if bad:
                        stats[1] += 3.0
                        stats[3] += 2.5
                    w.writerow([f, ch] + [f"{v:.5f}" for v in stats] + [int(bad)])

    def load(self):
        raw = np.loadtxt(self.path, delimiter=",", skiprows=1)
        channel_ids = torch.from_numpy(raw[:, 1]).long()
        stats = torch.from_numpy(raw[:, 2:2 + len(STAT_COLS)]).float()
        labels = torch.from_numpy(raw[:, -1]).float()
        stats = (stats - stats.mean(0)) / stats.std(0)
        return channel_ids, stats, labels


class ChannelAnomalyNet(nn.Module):
    def __init__(self, cfg: HKConfig):
        super().__init__()
        self.channel_emb = nn.Embedding(cfg.n_channels, cfg.emb_dim)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.emb_dim + len(STAT_COLS), cfg.hidden),
            nn.ReLU(),
            nn.Linear(cfg.hidden, 1),
        )

    def forward(self, channel_ids, stats):
        e = self.channel_emb(channel_ids)
        return self.mlp(torch.cat([e, stats], dim=-1)).squeeze(-1)


def fit(model, loader, cfg, pos_weight):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    crit = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_weight))
    for ep in range(cfg.epochs):
        seen, agg = 0, 0.0
        for ch, x, y in loader:
            loss = crit(model(ch, x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            agg += loss.item() * y.numel()
            seen += y.numel()
        print(f"[ep {ep}] bce={agg / seen:.4f}")


def evaluate(model, ch, x, y):
    model.eval()
    with torch.no_grad():
        pred = (torch.sigmoid(model(ch, x)) > 0.5).float()
    tp = float(((pred == 1) & (y == 1)).sum())
    prec = tp / max(float(pred.sum()), 1.0)
    rec = tp / max(float(y.sum()), 1.0)
    return prec, rec


def main():
    torch.manual_seed(5)
    cfg = HKConfig.for_bus("payload")
    src = FRAME_SOURCES[cfg.source](cfg, os.path.join(HERE, "hk_frames.csv"))
    src.write_synthetic()
    ch, x, y = src.load()
    print(f"loaded {len(y)} rows, {int(y.sum())} anomalous")

    n_train = int(0.8 * len(y))
    train_ds = TensorDataset(ch[:n_train], x[:n_train], y[:n_train])
    loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    ratio = float((y[:n_train] == 0).sum() / y[:n_train].sum().clamp(min=1))

    model = ChannelAnomalyNet(cfg)
    fit(model, loader, cfg, pos_weight=ratio)
    p, r = evaluate(model, ch[n_train:], x[n_train:], y[n_train:])
    print(f"holdout precision={p:.2f} recall={r:.2f}")


if __name__ == "__main__":
    main()
