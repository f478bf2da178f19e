"""Forecast root-zone soil moisture 6 h ahead from a 1-D conv over probe history.

Long hourly logs from a few LoRa soil probes are cut into sliding windows;
the target is the mean VWC over the next FORECAST_H hours.
"""
import configparser
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

WINDOW_HOURS = 24
FORECAST_H = 6

FARM_INI = """
[probes]
count = 4
hours_logged = 720
stride = 6

[conv]
window = 36
channels = 32
kernel = 5

[optim]
batch_size = 8
lr = 0.002
epochs = 2
"""


@dataclass
class ConvSettings:
    window: int = WINDOW_HOURS
    channels: int = 16
    kernel: int = 3
    batch_size: int = 8
    lr: float = 1e-3
    epochs: int = 1
    stride: int = 6
    probes: int = 2
    hours_logged: int = 480


def parse_settings(text):
    ini = configparser.ConfigParser()
    ini.read_string(text)
    return ConvSettings(
        window=ini.getint("conv", "window"),
        channels=ini.getint("conv", "channels"),
        kernel=ini.getint("conv", "kernel"),
        batch_size=ini.getint("optim", "batch_size"),
        lr=ini.getfloat("optim", "lr"),
        epochs=ini.getint("optim", "epochs"),
        stride=ini.getint("probes", "stride"),
        probes=ini.getint("probes", "count"),
        hours_logged=ini.getint("probes", "hours_logged"),
    )


FEATURES = {
    "vwc": lambda log: log["vwc"],
    "soil_temp_c": lambda log: (log["soil_temp"] - 15.0) / 5.0,
    "vpd_kpa": lambda log: 0.611 * np.exp(17.27 * log["air_temp"] / (log["air_temp"] + 237.3))
    * (1 - log["rh"] / 100.0),
    "rain_mm": lambda log: np.log1p(log["rain"]),
}


def fake_probe_log(rng, hours):
    t = np.arange(hours)
    rain = np.where(rng.random(hours) < 0.03, rng.gamma(2.0, 3.0, hours), 0.0)
    vwc = np.empty(hours)
    vwc[0] = 0.28
    for h in range(1, hours):
        dry = 0.002 * (1 + 0.5 * np.sin(2 * np.pi * (h - 14) / 24))
        vwc[h] = np.clip(vwc[h - 1] - dry + 0.004 * rain[h], 0.08, 0.45)
    return {
        "vwc": vwc + rng.normal(0, 0.003, hours),
        "soil_temp": 15 + 4 * np.sin(2 * np.pi * (t - 16) / 24) + rng.normal(0, 0.2, hours),
        "air_temp": 19 + 8 * np.sin(2 * np.pi * (t - 15) / 24) + rng.normal(0, 0.6, hours),
        "rh": np.clip(70 - 25 * np.sin(2 * np.pi * (t - 15) / 24), 15, 100),
        "rain": rain,
    }


def sliding_windows(matrix, vwc, window, stride):
    last = len(vwc) - window - FORECAST_H
    for start in range(0, last + 1, stride):
        x = matrix[:, start:start + window]
        y = vwc[start + window:start + window + FORECAST_H].mean()
        yield x, y


def build_dataset(s, seed=21):
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for _ in range(s.probes):
        log = fake_probe_log(rng, s.hours_logged)
        mat = np.stack([fn(log) for fn in FEATURES.values()]).astype(np.float32)
        for x, y in sliding_windows(mat, log["vwc"], s.window, s.stride):
            xs.append(x)
            ys.append(y)
    X = torch.tensor(np.stack(xs))
    Y = torch.tensor(np.array(ys, dtype=np.float32)).unsqueeze(1)
    return TensorDataset(X, Y)


class MoistureConv(nn.Module):
    def __init__(self, n_feat, s):
        super().__init__()
        pad = s.kernel // 2
        self.body = nn.Sequential(
            nn.Conv1d(n_feat, s.channels, s.kernel, padding=pad), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(s.channels, s.channels, s.kernel, padding=pad), nn.ReLU(), nn.MaxPool1d(2),
        )
        flat = s.channels * (s.window // 4)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(flat, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, x):
        return self.head(self.body(x))


def cmd_fit(s):
    ds = build_dataset(s)
    print(f"{len(ds)} windows of {s.window} h, features={list(FEATURES)}")
    loader = DataLoader(ds, batch_size=s.batch_size, shuffle=True)
    net = MoistureConv(len(FEATURES), s)
    opt = torch.optim.Adam(net.parameters(), lr=s.lr)
    loss_fn = nn.MSELoss()
    for ep in range(s.epochs):
        total = 0.0
        for xb, yb in loader:
            pred = net(xb)
            loss = loss_fn(pred, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        print(f"epoch {ep} mse {total / len(ds):.6f}")
    return net


def main():
    torch.manual_seed(5)
    settings = parse_settings(FARM_INI)
    cmd_fit(settings)


if __name__ == "__main__":
    main()
