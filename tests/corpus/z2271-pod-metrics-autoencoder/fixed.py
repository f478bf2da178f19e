"""Per-pod resource metrics anomaly detection with a dense autoencoder.

Metrics are exported from Prometheus as a CSV (one row per pod per scrape); we fit an
autoencoder on a quiet period and flag scrapes with a high reconstruction error.
"""
import csv
import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class Config:
    csv_path: str = os.path.join(HERE, "pod_metrics.csv")
    metric_cols: list = field(default_factory=lambda: [
        "cpu_usage_cores", "mem_working_set_mb", "net_rx_kbps", "net_tx_kbps",
        "fs_reads_per_s", "restarts", "http_5xx_rate", "p95_latency_ms",
    ])
    n_pods: int = 12
    n_scrapes: int = 160
    bottleneck: int = 3
    hidden: int = 16
    batch_size: int = 128
    lr: float = 1e-2
    max_epochs: int = 3
    seed: int = 11


def export_metrics(cfg):
    rng = np.random.default_rng(cfg.seed)
    base = np.array([0.4, 512, 900, 700, 30, 0, 0.01, 85])
    scale = np.array([0.05, 40, 120, 90, 6, 0.1, 0.005, 10])
    with open(cfg.csv_path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["timestamp", "pod"] + cfg.metric_cols)
        for s in range(cfg.n_scrapes):
            for p in range(cfg.n_pods):
                row = base + rng.normal(0, 1, len(base)) * scale
                if s > 140 and p == 3:
                    row[0] *= 3.0
                    row[7] *= 4.0
                    row[6] += 0.2
                writer.writerow([1714600000 + 15 * s, f"checkout-7d9f-{p:02d}"] + [f"{v:.5f}" for v in row])


def load_metrics(cfg):
    with open(cfg.csv_path) as fh:
        header = next(csv.reader(fh))
    usecols = [header.index(c) for c in cfg.metric_cols]
    data = np.loadtxt(cfg.csv_path, delimiter=",", skiprows=1, usecols=usecols, dtype=np.float32)
    ts = np.loadtxt(cfg.csv_path, delimiter=",", skiprows=1, usecols=[0], dtype=np.int64)
    return ts, data


class MetricsDataset(Dataset):
    def __init__(self, features, mean, std):
        self.x = (features - mean) / std

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return torch.from_numpy(self.x[i])


class MetricsAE(nn.Module):
    def __init__(self, n_features, hidden, bottleneck):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(n_features, hidden), nn.Tanh(), nn.Linear(hidden, bottleneck))
        self.decoder = nn.Sequential(nn.Linear(bottleneck, hidden), nn.Tanh(), nn.Linear(hidden, n_features))

    def forward(self, x):
        return self.decoder(self.encoder(x))


def train(cfg, model, train_dl):
    accelerator = Accelerator(cpu=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    model, optimizer, train_dl = accelerator.prepare(model, optimizer, train_dl)
    for epoch in range(cfg.max_epochs):
        model.train()
        total, n = 0.0, 0
        for batch in train_dl:
            recon = model(batch)
            loss = nn.functional.mse_loss(recon, batch)
            optimizer.zero_grad()
            accelerator.backward(loss)
            optimizer.step()
            total += loss.item() * len(batch)
            n += len(batch)
        accelerator.print(f"epoch {epoch}: train_mse={total / n:.4f}")
    return accelerator.unwrap_model(model)


def main():
    cfg = Config()
    set_seed(cfg.seed)
    export_metrics(cfg)
    ts, feats = load_metrics(cfg)

    quiet = ts < 1714600000 + 15 * 120
    mean, std = feats[quiet].mean(0), feats[quiet].std(0) + 1e-6
    train_ds = MetricsDataset(feats[quiet], mean, std)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)

    model = MetricsAE(len(cfg.metric_cols), cfg.hidden, cfg.bottleneck)
    model = train(cfg, model, train_dl)

    model.eval()
    all_ds = MetricsDataset(feats, mean, std)
    with torch.no_grad():
        x = torch.stack([all_ds[i] for i in range(len(all_ds))])
        err = ((model(x) - x) ** 2).mean(1)
    thr = torch.quantile(err[torch.from_numpy(quiet)], 0.99)
    flagged = torch.nonzero(err > thr).squeeze(1)
    print(f"threshold={thr:.4f}, flagged {len(flagged)} / {len(err)} scrapes")


if __name__ == "__main__":
    main()
