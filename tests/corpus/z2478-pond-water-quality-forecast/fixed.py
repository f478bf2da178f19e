"""Forecast dissolved oxygen in a shrimp grow-out pond 6 h ahead from
the aerator-side multiparameter sonde (15 min logging)."""
import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class PondConfig:
    sonde_csv: str = "pond_B3_sonde.csv"
    channels: list = field(default_factory=lambda: ["do_mgl", "temp_c", "ph", "nh3_mgl", "chl_ugl"])
    target: str = "do_mgl"
    steps_per_hour: int = 4
    lookback_h: int = 24
    horizon_h: int = 6
    days: int = 21
    batch_size: int = 32
    epochs: int = 3
    lr: float = 1e-3
    seed: int = 3


def simulate_sonde(cfg: PondConfig, path: str):
    rng = np.random.default_rng(cfg.seed)
    n = cfg.days * 24 * cfg.steps_per_hour
    t_h = np.arange(n) / cfg.steps_per_hour
    diel = np.sin(2 * np.pi * (t_h - 9) / 24)
    temp = 28 + 1.8 * diel + rng.normal(0, 0.2, n)
    chl = 60 + 0.8 * t_h / 24 + rng.normal(0, 3, n)
    do = 5.5 + 2.8 * diel * (chl / 60) - 0.05 * (temp - 28) + rng.normal(0, 0.3, n)
    ph = 7.6 + 0.35 * diel + rng.normal(0, 0.05, n)
    nh3 = np.clip(0.05 + 0.02 * (ph - 7.6) * (temp - 25) + rng.normal(0, 0.01, n), 0, None)
    cols = {"do_mgl": do, "temp_c": temp, "ph": ph, "nh3_mgl": nh3, "chl_ugl": chl}
    table = np.column_stack([cols[c] for c in cfg.channels])
    np.savetxt(path, table, delimiter=",", header=",".join(cfg.channels), comments="", fmt="%.4f")


def load_sonde(path):
    data = np.genfromtxt(path, delimiter=",", names=True)
    return {name: data[name] for name in data.dtype.names}


def make_windows(series: dict, cfg: PondConfig):
    X = np.stack([series[c] for c in cfg.channels], axis=0).astype(np.float32)  # (C, T)
    mu = X.mean(axis=1, keepdims=True)
    sd = X.std(axis=1, keepdims=True)
    Xn = (X - mu) / sd
    L = cfg.lookback_h * cfg.steps_per_hour
    H = cfg.horizon_h * cfg.steps_per_hour
    tgt_row = cfg.channels.index(cfg.target)
    starts = np.arange(0, Xn.shape[1] - L - H)
    xs = np.stack([Xn[:, s:s + L] for s in starts])                   # (N, C, L)
    ys = np.stack([Xn[tgt_row, s + L:s + L + H] for s in starts])     # (N, H)
    return torch.from_numpy(xs), torch.from_numpy(ys), (mu[tgt_row, 0], sd[tgt_row, 0])


class DOForecaster(nn.Module):
    def __init__(self, n_channels, lookback, horizon, width=32):
        super().__init__()
        self.tcn = nn.Sequential(
            nn.Conv1d(n_channels, width, kernel_size=5, padding=2), nn.GELU(),
            nn.Conv1d(width, width, kernel_size=5, padding=4, dilation=2), nn.GELU(),
            nn.Conv1d(width, width, kernel_size=5, padding=8, dilation=4), nn.GELU(),
        )
        self.head = nn.Linear(width * 2, horizon)

    def forward(self, x):
        h = self.tcn(x)
        summary = torch.cat([h.mean(-1), h[..., -1]], dim=-1)
        return self.head(summary)


def run(cfg: PondConfig):
    torch.manual_seed(cfg.seed)
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, cfg.sonde_csv)
    simulate_sonde(cfg, path)
    series = load_sonde(path)
    xs, ys, (do_mu, do_sd) = make_windows(series, cfg)

    n_train = int(0.8 * len(xs))
    train_dl = DataLoader(TensorDataset(xs[:n_train], ys[:n_train]), batch_size=cfg.batch_size,
                          shuffle=True)
    val_x, val_y = xs[n_train:], ys[n_train:]

    model = DOForecaster(len(cfg.channels), xs.shape[-1], ys.shape[-1])
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.SmoothL1Loss()
    for epoch in range(cfg.epochs):
        model.train()
        for xb, yb in train_dl:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            pred = model(val_x)
            mae = ((pred - val_y).abs().mean() * do_sd).item()
        print(f"epoch {epoch}: val MAE {mae:.3f} mg/L DO (6 h ahead)")

    low_do_alarm = (pred * do_sd + do_mu < 3.0).any(dim=1).float().mean().item()
    print(f"share of windows with a predicted DO < 3 mg/L: {low_do_alarm:.2%}")


if __name__ == "__main__":
    run(PondConfig())
