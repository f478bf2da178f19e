"""High-intensity effort detection from 10 Hz GPS vest tracking windows.

Each sample is a 3 s window (30 frames) of x/y pitch position, speed, acceleration,
heart rate and PlayerLoad; the target is whether the window contains a
high-speed-running effort (> 5.5 m/s sustained for >= 1 s)."""
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class VestConfig:
    hz: int = 10
    window_s: float = 3.0
    channels: tuple = ("x", "y", "speed", "accel", "hr", "player_load")
    # physical ranges used to bring channels onto a comparable scale
    channel_range: tuple = (105.0, 68.0, 10.0, 6.0, 210.0, 4.0)
    hidden: int = 32
    n_layers: int = 2
    dropout: float = 0.1
    init_device: str = "meta"
    device: str = "cpu"
    lr: float = 2e-3
    batch_size: int = 32
    epochs: int = 2
    hsr_threshold: float = 5.5
    seed: int = 3

    @property
    def frames(self):
        return int(self.hz * self.window_s)


class EffortDetector(nn.Module):
    def __init__(self, cfg: VestConfig):
        super().__init__()
        self.cfg = cfg
        n_ch = len(cfg.channels)
        self.register_buffer("channel_range", torch.tensor(cfg.channel_range, dtype=torch.float32),
                             persistent=False)
        self.input_proj = nn.Linear(n_ch, cfg.hidden)
        self.encoder = nn.GRU(cfg.hidden, cfg.hidden, num_layers=cfg.n_layers, batch_first=True,
                              dropout=cfg.dropout, bidirectional=True)
        self.head = nn.Sequential(
            nn.Linear(4 * cfg.hidden, cfg.hidden),
            nn.GELU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden, 1),
        )

    def reset_parameters(self):
        with torch.no_grad():
            self.channel_range.copy_(torch.tensor(self.cfg.channel_range, dtype=torch.float32))
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                nn.init.xavier_uniform_(p)
            elif "bias" in name:
                nn.init.zeros_(p)
            else:
                nn.init.uniform_(p, -1 / math.sqrt(self.cfg.hidden), 1 / math.sqrt(self.cfg.hidden))

    def forward(self, window):
        z = window / self.channel_range
        z = self.input_proj(z)
        seq, _ = self.encoder(z)
        pooled = torch.cat([seq.mean(1), seq.max(1).values], dim=-1)
        return self.head(pooled).squeeze(-1)


def build_model(cfg: VestConfig) -> EffortDetector:
    # construct without allocating, then materialise on the target device
    with torch.device(cfg.init_device):
        model = EffortDetector(cfg)
    model = model.to_empty(device=cfg.device)
    model.reset_parameters()
    return model


def simulate_vest_windows(cfg: VestConfig, n=384):
    rng = np.random.default_rng(cfg.seed)
    T = cfg.frames
    dt = 1.0 / cfg.hz
    out = np.zeros((n, T, len(cfg.channels)), dtype=np.float32)
    labels = np.zeros(n, dtype=np.float32)
    for i in range(n):
        base = rng.uniform(0.5, 4.0)
        speed = np.clip(base + np.cumsum(rng.normal(0, 0.25, T)), 0, 9.8)
        if rng.random() < 0.4:
            s = rng.integers(0, T - 12)
            speed[s:s + 12] = rng.uniform(5.8, 8.5)
        heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0, 0.05, T))
        x = np.clip(rng.uniform(10, 95) + np.cumsum(speed * np.cos(heading) * dt), 0, 105)
        y = np.clip(rng.uniform(5, 63) + np.cumsum(speed * np.sin(heading) * dt), 0, 68)
        accel = np.gradient(speed, dt)
        hr = np.clip(120 + 8 * speed + rng.normal(0, 3, T), 60, 205)
        pl = np.abs(accel) * 0.3 + rng.gamma(1.5, 0.2, T)
        out[i] = np.stack([x, y, speed, accel, hr, pl], axis=-1)
        above = speed > cfg.hsr_threshold
        run = np.convolve(above.astype(int), np.ones(cfg.hz, dtype=int), mode="valid")
        labels[i] = float((run >= cfg.hz).any())
    return torch.from_numpy(out), torch.from_numpy(labels)


def train(cfg: VestConfig):
    torch.manual_seed(cfg.seed)
    X, y = simulate_vest_windows(cfg)
    n_train = int(0.8 * len(X))
    train_dl = DataLoader(TensorDataset(X[:n_train], y[:n_train]), batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(TensorDataset(X[n_train:], y[n_train:]), batch_size=cfg.batch_size)

    model = build_model(cfg)
    pos_weight = torch.tensor([(y == 0).sum() / max((y == 1).sum(), 1)], device=cfg.device)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for xb, yb in train_dl:
            xb, yb = xb.to(cfg.device), yb.to(cfg.device)
            logits = model(xb)
            loss = loss_fn(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)

        model.eval()
        correct = 0
        with torch.no_grad():
            for xb, yb in val_dl:
                pred = (model(xb.to(cfg.device)) > 0).float()
                correct += (pred == yb.to(cfg.device)).sum().item()
        print(f"epoch {epoch}  train_loss={total / n_train:.4f}  val_acc={correct / (len(X) - n_train):.3f}")
    return model


if __name__ == "__main__":
    train(VestConfig())
