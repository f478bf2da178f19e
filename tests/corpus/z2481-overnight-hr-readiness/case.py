"""
Morning readiness classifier from overnight wearable data.

Inputs per athlete-night:
  * overnight series sampled once per minute: heart rate, RMSSD (HRV), motion counts
  * a static profile: age, body mass, VO2max, 7-day mean resting HR, acute:chronic load ratio
Target: staff readiness flag -> 0 = train as planned, 1 = modify, 2 = rest.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split


@dataclass
class ReadinessConfig:
    series_channels: tuple = ("hr_bpm", "rmssd_ms", "motion")
    static_fields: tuple = ("age", "body_mass", "vo2max", "rhr_7d", "acwr")
    night_minutes: int = 360
    conv_channels: int = 16
    conv_kernel: int = 5
    pool: int = 4
    gru_hidden: int = 32
    bidirectional: bool = True
    head_hidden: int = 32
    n_classes: int = 3
    dropout: float = 0.2
    batch_size: int = 16
    lr: float = 2e-3
    epochs: int = 3
    seed: int = 7

    @property
    def n_series(self):
        return len(self.series_channels)

    @property
    def n_static(self):
        return len(self.static_fields)


class OvernightWearableDataset(Dataset):
    def __init__(self, cfg, n_nights=256):
        rng = np.random.default_rng(cfg.seed)
        t = np.linspace(0, 1, cfg.night_minutes)
        self.series, self.static, self.labels = [], [], []
        for _ in range(n_nights):
            label = rng.choice(3, p=[0.6, 0.3, 0.1])
            rhr = rng.normal(48, 5) + 4 * label
            hr = rhr + 8 * np.exp(-6 * t) + rng.normal(0, 2, cfg.night_minutes)
            rmssd = np.clip(rng.normal(85 - 15 * label, 10) + rng.normal(0, 8, cfg.night_minutes), 5, None)
            motion = rng.poisson(2 + label, cfg.night_minutes).astype(float)
            series = np.stack([(hr - 50) / 10, (rmssd - 70) / 20, motion / 5])
            prof = np.array([
                (rng.normal(25, 4) - 25) / 4,
                (rng.normal(78, 8) - 78) / 8,
                (rng.normal(58, 5) - 58) / 5,
                (rhr - 50) / 5,
                rng.normal(1.0 + 0.2 * label, 0.15),
            ])
            self.series.append(torch.tensor(series, dtype=torch.float32))
            self.static.append(torch.tensor(prof, dtype=torch.float32))
            self.labels.append(int(label))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return self.series[idx], self.static[idx], self.labels[idx]


class ReadinessNet(nn.Module):
    def __init__(self, cfg: ReadinessConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = nn.Sequential(
            nn.Conv1d(cfg.n_series, cfg.conv_channels, cfg.conv_kernel, padding=cfg.conv_kernel // 2),
            nn.BatchNorm1d(cfg.conv_channels),
            nn.GELU(),
            nn.MaxPool1d(cfg.pool),
        )
        self.gru = nn.GRU(
            cfg.conv_channels,
            cfg.gru_hidden,
            batch_first=True,
            bidirectional=cfg.bidirectional,
        )
        self.static_norm = nn.LayerNorm(cfg.n_static)
        fusion_dim = cfg.gru_hidden + cfg.n_static
        self.head = nn.Sequential(
            nn.Linear(fusion_dim, cfg.head_hidden),
            nn.GELU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.head_hidden, cfg.n_classes),
        )

    def forward(self, series, static):
        z = self.encoder(series)              # (B, C, T/pool)
        z = z.transpose(1, 2)                 # (B, T/pool, C)
        out, h_n = self.gru(z)
        night_repr = out.mean(dim=1)
        fused = torch.cat([night_repr, self.static_norm(static)], dim=-1)
        return self.head(fused)


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for series, static, y in loader:
            pred = model(series, static).argmax(-1)
            correct += (pred == y).sum().item()
            total += y.numel()
    return correct / max(total, 1)


def main():
    cfg = ReadinessConfig()
    torch.manual_seed(cfg.seed)
    ds = OvernightWearableDataset(cfg)
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(cfg.seed))
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = ReadinessNet(cfg)
    class_weights = torch.tensor([1.0, 1.5, 3.0])
    criterion = nn.CrossEntropyLoss(weight=class_weights)
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for series, static, y in train_dl:
            logits = model(series, static)
            loss = criterion(logits, y)
            optim.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            running += loss.item() * y.size(0)
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch}: loss {running / len(train_ds):.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()
