import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
np.random.seed(3)

FS = 200.0          # Hz, accelerometer sampling rate
WINDOW_S = 4.0
N_WINDOWS = 240
SENSOR_LAYOUT = [
    ("A1-N", 1), ("A1-S", 1),
    ("A2-N", 2), ("A2-S", 2),
    ("A3-N", 3), ("A3-S", 3),
    ("A4-N", 4), ("A4-S", 4),
]
BANDS_HZ = [(0.5, 3.0), (3.0, 8.0), (8.0, 20.0), (20.0, 45.0)]
FLATLINE_STD = 1e-3


def simulate_building_response(n_windows, n_sensors, fs, window_s):
    t = torch.arange(int(fs * window_s)) / fs
    damaged = torch.randint(0, 2, (n_windows,))
    f1 = 2.4 - 0.35 * damaged.float()           # stiffness loss lowers first mode
    f2 = 7.9 - 0.9 * damaged.float()
    signals = torch.zeros(n_windows, n_sensors, t.numel())
    for s in range(n_sensors):
        floor = SENSOR_LAYOUT[s][1]
        amp1 = 0.2 * floor
        amp2 = 0.1 * math.sin(math.pi * floor / 4.5)
        phase = torch.rand(n_windows, 1) * 2 * math.pi
        signals[:, s] = (
            amp1 * torch.sin(2 * math.pi * f1[:, None] * t + phase)
            + amp2 * torch.sin(2 * math.pi * f2[:, None] * t)
            + 0.05 * torch.randn(n_windows, t.numel())
        )
    # two channels lost power during the campaign
    signals[:, 3] = 0.0
    signals[:, 6] = 1e-5 * torch.randn(n_windows, t.numel())
    return signals, damaged


def drop_dead_channels(signals, min_std=FLATLINE_STD):
    ch_std = signals.std(dim=-1).median(dim=0).values
    keep = ch_std > min_std
    print(f"keeping {int(keep.sum())}/{signals.shape[1]} channels")
    return signals[:, keep], keep


def band_energy(sig, fs, bands):
    spec = torch.fft.rfft(sig * torch.hann_window(sig.shape[-1]), dim=-1).abs() ** 2
    freqs = torch.fft.rfftfreq(sig.shape[-1], d=1.0 / fs)
    out = []
    for lo, hi in bands:
        sel = (freqs >= lo) & (freqs < hi)
        out.append(spec[..., sel].sum(-1))
    e = torch.stack(out, dim=-1)
    return torch.log1p(e)


def extract_features(windows, layout):
    per_sensor = []
    for ch_idx, (name, floor) in enumerate(layout):
        sig = windows[:, ch_idx, :]
        sig = sig - sig.mean(dim=-1, keepdim=True)
        feats = band_energy(sig, FS, BANDS_HZ)
        rms = sig.pow(2).mean(-1, keepdim=True).sqrt()
        per_sensor.append(torch.cat([feats, rms, torch.full_like(rms, floor / 4.0)], dim=-1))
    return torch.stack(per_sensor, dim=1)  # (windows, sensors, feats)


def build_classifier(n_sensors, n_feats):
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(n_sensors * n_feats, 32),
        nn.ReLU(),
        nn.Linear(32, 2),
    )


def train(features, labels, epochs=60, lr=1e-2):
    mu = features.mean(0, keepdim=True)
    sd = features.std(0, keepdim=True) + 1e-6
    x = (features - mu) / sd
    n_train = int(0.8 * len(x))
    perm = torch.randperm(len(x))
    tr, te = perm[:n_train], perm[n_train:]
    model = build_classifier(x.shape[1], x.shape[2])
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for ep in range(epochs):
        opt.zero_grad()
        loss = F.cross_entropy(model(x[tr]), labels[tr])
        loss.backward()
        opt.step()
        if ep % 20 == 0:
            print(f"epoch {ep:3d} loss {loss.item():.4f}")
    with torch.no_grad():
        acc = (model(x[te]).argmax(-1) == labels[te]).float().mean().item()
    print(f"held-out damage accuracy: {acc:.3f}")
    return model


def main():
    raw, damaged = simulate_building_response(N_WINDOWS, len(SENSOR_LAYOUT), FS, WINDOW_S)
    windows, keep_mask = drop_dead_channels(raw)
    layout = [s for s, k in zip(SENSOR_LAYOUT, keep_mask.tolist()) if k]
    features = extract_features(windows, layout)
    print("feature tensor:", tuple(features.shape))
    train(features, damaged)


if __name__ == "__main__":
    main()
