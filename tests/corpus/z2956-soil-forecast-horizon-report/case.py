import configparser
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

SETTINGS = """
[sensors]
channels = soil_moisture, soil_temp, air_temp, rel_humidity
sample_minutes = 30

[windows]
lookback = 48
horizon = 6
stride = 4

[train]
epochs = 2
batch_size = 16
lr = 0.003
seed = 11
"""


def load_settings(text):
    cfg = configparser.ConfigParser()
    cfg.read_string(text)
    channels = [c.strip() for c in cfg.get("sensors", "channels").split(",")]
    return cfg, channels


def minmax(x):
    lo, hi = x.min(), x.max()
    return (x - lo) / (hi - lo + 1e-6)


def zscore(x):
    return (x - x.mean()) / (x.std() + 1e-6)


TRANSFORMS = {
    "soil_moisture": minmax,
    "soil_temp": zscore,
    "air_temp": zscore,
    "rel_humidity": lambda x: x / 100.0,
}


def simulate_field_log(n_steps, rng):
    t = np.arange(n_steps)
    day = np.sin(2 * math.pi * t / 48.0)
    raw = {
        "soil_moisture": 0.32 - 0.0004 * (t % 300) + 0.01 * rng.standard_normal(n_steps),
        "soil_temp": 14.0 + 3.0 * day + 0.3 * rng.standard_normal(n_steps),
        "air_temp": 18.0 + 7.0 * day + 0.8 * rng.standard_normal(n_steps),
        "rel_humidity": np.clip(70 - 20 * day + 4 * rng.standard_normal(n_steps), 0, 100),
    }
    return raw


def build_feature_matrix(raw, channels):
    cols = [TRANSFORMS[name](raw[name]) for name in channels]
    return np.stack(cols, axis=1).astype(np.float32)


def make_windows(series, lookback, horizon, stride):
    xs, ys = [], []
    for start in range(0, len(series) - lookback - horizon + 1, stride):
        xs.append(series[start:start + lookback])
        ys.append(series[start + lookback:start + lookback + horizon, 0])
    return torch.tensor(np.array(xs)), torch.tensor(np.array(ys))


class MoistureConvForecaster(nn.Module):
    def __init__(self, n_channels, horizon, hidden=24):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(n_channels, hidden, kernel_size=5, padding=2),
            nn.ReLU(),
            nn.Conv1d(hidden, hidden, kernel_size=5, padding=2, dilation=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.head = nn.Linear(hidden, horizon)

    def forward(self, x):
        z = self.body(x.transpose(1, 2)).squeeze(-1)
        return self.head(z)


def train(model, loader, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    for epoch in range(epochs):
        running = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            running += loss.item() * xb.size(0)
        print(f"epoch {epoch + 1}: mse={running / len(loader.dataset):.5f}")


def horizon_report(model, x_val, y_val, horizon, sample_minutes):
    model.eval()
    with torch.no_grad():
        pred = model(x_val)
    rows = []
    for step in range(1, horizon + 1):
        err = (pred[:, step] - y_val[:, step]).abs().mean().item()
        rows.append((step * sample_minutes, err))
    return rows


def main():
    cfg, channels = load_settings(SETTINGS)
    seed = cfg.getint("train", "seed")
    torch.manual_seed(seed)
    random.seed(seed)
    rng = np.random.default_rng(seed)

    lookback = cfg.getint("windows", "lookback")
    horizon = cfg.getint("windows", "horizon")
    stride = cfg.getint("windows", "stride")

    raw = simulate_field_log(2400, rng)
    feats = build_feature_matrix(raw, channels)
    split = int(0.8 * len(feats))
    x_tr, y_tr = make_windows(feats[:split], lookback, horizon, stride)
    x_va, y_va = make_windows(feats[split:], lookback, horizon, stride)
    print(f"train windows {tuple(x_tr.shape)}, val windows {tuple(x_va.shape)}")

    loader = DataLoader(TensorDataset(x_tr, y_tr),
                        batch_size=cfg.getint("train", "batch_size"), shuffle=True)
    model = MoistureConvForecaster(len(channels), horizon)
    train(model, loader, cfg.getint("train", "epochs"), cfg.getfloat("train", "lr"))

    for minutes_ahead, mae in horizon_report(model, x_va, y_va, horizon,
                                             cfg.getint("sensors", "sample_minutes")):
        print(f"+{minutes_ahead:4d} min  MAE={mae:.4f}")


if __name__ == "__main__":
    main()
