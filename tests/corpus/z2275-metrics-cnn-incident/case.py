from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class DetectorConfig:
    metric_names: list = field(default_factory=lambda: [
        "cpu_util", "mem_used_pct", "disk_io_wait", "p99_latency_ms", "http_5xx_rate", "gc_pause_ms",
    ])
    scrape_interval_s: int = 15
    window_minutes: int = 4
    stride_samples: int = 4
    conv_channels: tuple = (32, 64, 64)
    kernel_size: int = 5
    dropout: float = 0.2
    batch_size: int = 64
    lr: float = 2e-3
    epochs: int = 3
    seed: int = 0

    @property
    def window_len(self):
        return int(self.window_minutes * 60 / self.scrape_interval_s)

    @property
    def n_metrics(self):
        return len(self.metric_names)


def simulate_service_metrics(cfg, n_samples=6000):
    rng = np.random.default_rng(cfg.seed)
    t = np.arange(n_samples)
    daily = np.sin(2 * np.pi * t / (86400 / cfg.scrape_interval_s))
    base = np.stack([
        40 + 15 * daily, 60 + 5 * daily, 2 + 0.5 * daily,
        120 + 30 * daily, 0.2 + 0.05 * daily, 15 + 3 * daily,
    ], axis=1)
    noise = rng.normal(0, 1, size=base.shape) * np.array([4, 2, 0.4, 12, 0.05, 3])
    series = base + noise
    incident = np.zeros(n_samples, dtype=np.int64)
    for start in rng.choice(n_samples - 60, size=25, replace=False):
        length = rng.integers(10, 40)
        incident[start:start + length] = 1
        series[start:start + length] += np.array([35, 20, 6, 400, 3.0, 60]) * rng.uniform(0.5, 1.2)
    return series.astype(np.float32), incident


class MetricWindowDataset(Dataset):
    def __init__(self, series, incident, cfg, mean=None, std=None):
        self.mean = series.mean(0) if mean is None else mean
        self.std = series.std(0) + 1e-6 if std is None else std
        self.x = (series - self.mean) / self.std
        self.y = incident
        self.win = cfg.window_len
        self.starts = list(range(0, len(series) - self.win, cfg.stride_samples))

    def __len__(self):
        return len(self.starts)

    def __getitem__(self, i):
        s = self.starts[i]
        window = torch.from_numpy(self.x[s:s + self.win]).T.contiguous()
        label = float(self.y[s:s + self.win].mean() > 0.25)
        return window, torch.tensor(label)


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out, k, dropout):
        super().__init__()
        self.conv = nn.Conv1d(c_in, c_out, kernel_size=k)
        self.bn = nn.BatchNorm1d(c_out)
        self.drop = nn.Dropout(dropout)
        self.pool = nn.MaxPool1d(2)

    def forward(self, x):
        return self.pool(self.drop(F.relu(self.bn(self.conv(x)))))


class MetricsCNN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        chans = (cfg.n_metrics,) + tuple(cfg.conv_channels)
        self.blocks = nn.Sequential(*[
            ConvBlock(chans[i], chans[i + 1], cfg.kernel_size, cfg.dropout) for i in range(len(chans) - 1)
        ])
        self.head = nn.Linear(chans[-1], 1)

    def forward(self, x):
        h = self.blocks(x)
        h = F.adaptive_avg_pool1d(h, 1).squeeze(-1)
        return self.head(h).squeeze(-1)


def train(cfg):
    torch.manual_seed(cfg.seed)
    series, incident = simulate_service_metrics(cfg)
    split = int(0.8 * len(series))
    train_ds = MetricWindowDataset(series[:split], incident[:split], cfg)
    val_ds = MetricWindowDataset(series[split:], incident[split:], cfg, train_ds.mean, train_ds.std)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, drop_last=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)
    print(f"window_len={cfg.window_len} samples, {len(train_ds)} train / {len(val_ds)} val windows")

    model = MetricsCNN(cfg)
    pos_frac = np.mean([train_ds[i][1].item() for i in range(len(train_ds))])
    crit = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - pos_frac) / max(pos_frac, 1e-3)))
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        tot = 0.0
        for xb, yb in train_dl:
            loss = crit(model(xb), yb)
            optim.zero_grad()
            loss.backward()
            optim.step()
            tot += loss.item() * len(yb)
        model.eval()
        correct = n = 0
        with torch.no_grad():
            for xb, yb in val_dl:
                pred = (torch.sigmoid(model(xb)) > 0.5).float()
                correct += (pred == yb).sum().item()
                n += len(yb)
        print(f"epoch {epoch}: train loss {tot / len(train_ds):.4f}  val acc {correct / n:.3f}")
    return model


if __name__ == "__main__":
    train(DetectorConfig())
