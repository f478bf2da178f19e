import math
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SENSORS = ["vwc_10cm", "vwc_30cm", "vwc_60cm", "soil_temp_10cm", "ec_30cm", "air_temp"]
TARGET_SENSOR = "vwc_30cm"
WINDOW_HOURS = 48
HORIZON_HOURS = 24
N_PROBES = 8
HOURS = 24 * 30


def simulate_probe_network(n_probes, hours, seed=5):
    rng = np.random.default_rng(seed)
    t = np.arange(hours)
    data = np.empty((n_probes, hours, len(SENSORS)), dtype=np.float32)
    for p in range(n_probes):
        rain = (rng.random(hours) < 0.01) * rng.gamma(2.0, 8.0, hours)
        wet = np.zeros(hours)
        level = rng.uniform(0.22, 0.32)
        for h in range(hours):
            level = level * 0.997 + 0.004 * rain[h]
            wet[h] = level
        air = 18 + 8 * np.sin(2 * math.pi * (t % 24) / 24 - 1.5) + rng.normal(0, 1, hours)
        data[p, :, 0] = wet + rng.normal(0, 0.005, hours)
        data[p, :, 1] = np.convolve(wet, np.ones(12) / 12, mode="same")
        data[p, :, 2] = np.convolve(wet, np.ones(36) / 36, mode="same") + 0.03
        data[p, :, 3] = 0.6 * air + 6 + rng.normal(0, 0.3, hours)
        data[p, :, 4] = 0.4 + 2.5 * data[p, :, 1] + rng.normal(0, 0.02, hours)
        data[p, :, 5] = air
    return data


class ProbeWindows(Dataset):
    def __init__(self, series, window, horizon, target_col):
        self.series = series
        self.window = window
        self.horizon = horizon
        self.target_col = target_col
        self.index = [
            (p, start)
            for p in range(series.shape[0])
            for start in range(0, series.shape[1] - window - horizon, 6)
        ]

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        p, start = self.index[i]
        x = self.series[p, start:start + self.window]
        y = self.series[p, start + self.window + self.horizon - 1, self.target_col]
        return torch.from_numpy(x.copy()), torch.tensor(y)


def fit_channel_stats(dataset, max_windows=400):
    windows = np.stack([dataset[i][0].numpy() for i in range(min(len(dataset), max_windows))])
    mean = windows.mean(axis=(0, 1))
    std = windows.std(axis=(0, 1)) + 1e-6
    return torch.from_numpy(mean), torch.from_numpy(std)


def collate_windows(batch, mean, std):
    xs, ys = zip(*batch)
    x = torch.stack(xs)
    x = (x - mean) / std
    return x, torch.stack(ys)


class MoistureGRU(nn.Module):
    def __init__(self, n_inputs, hidden=32):
        super().__init__()
        self.gru = nn.GRU(n_inputs, hidden, batch_first=True)
        self.out = nn.Sequential(nn.Linear(hidden, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):
        _, h = self.gru(x)
        return self.out(h[-1]).squeeze(-1)


def main():
    torch.manual_seed(5)
    series = simulate_probe_network(N_PROBES, HOURS)
    target_col = SENSORS.index(TARGET_SENSOR)

    train_series, val_series = series[:6], series[6:]
    train_ds = ProbeWindows(train_series, WINDOW_HOURS, HORIZON_HOURS, target_col)
    val_ds = ProbeWindows(val_series, WINDOW_HOURS, HORIZON_HOURS, target_col)
    mean, std = fit_channel_stats(train_ds)
    print(f"{len(train_ds)} train windows, {len(val_ds)} val windows")

    collate = partial(collate_windows, mean=mean, std=std)
    train_loader = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=collate)
    val_loader = DataLoader(val_ds, batch_size=64, collate_fn=collate)

    model = MoistureGRU(len(SENSORS))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    mse = nn.MSELoss()

    for epoch in range(3):
        model.train()
        for xb, yb in train_loader:
            loss = mse(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            errs = [((model(xb) - yb) ** 2).mean().item() for xb, yb in val_loader]
        print(f"epoch {epoch}: val rmse {np.sqrt(np.mean(errs)):.4f} m3/m3")


if __name__ == "__main__":
    main()
