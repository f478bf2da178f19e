# transit / no-transit classifier on simulated TESS-like 2-min cadence light curves
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

N_STARS = 256
N_CADENCES = 1024
BATCH = 32
EPOCHS = 3
QUALITY_BAD_FRAC = 0.015


def simulate_light_curve(has_transit):
    t = np.arange(N_CADENCES) * (2.0 / 60 / 24)  # days
    flux = 1.0 + rng.normal(0, 4e-4, N_CADENCES)
    flux += 8e-4 * np.sin(2 * np.pi * t / rng.uniform(1.5, 6.0))  # stellar variability
    if has_transit:
        period = rng.uniform(0.3, 0.9)
        depth = rng.uniform(1.5e-3, 6e-3)
        dur = rng.uniform(0.02, 0.05)
        phase = (t - rng.uniform(0, period)) % period
        flux[phase < dur] -= depth
    quality = np.zeros(N_CADENCES, dtype=np.int32)
    bad = rng.random(N_CADENCES) < QUALITY_BAD_FRAC
    quality[bad] = 128  # momentum dump / scattered light
    flux[bad] = np.nan
    return t, flux, quality


def detrend(flux, window=101):
    kernel = np.ones(window) / window
    padded = np.pad(flux, window // 2, mode="edge")
    trend = np.convolve(padded, kernel, mode="valid")
    return flux / trend - 1.0


def clean(t, flux, quality):
    good = (quality == 0) & np.isfinite(flux)
    f = detrend(flux[good])
    f = (f - np.median(f)) / (np.std(f) + 1e-8)
    return f.astype(np.float32)


labels = (rng.random(N_STARS) < 0.5).astype(np.int64)
curves = []
for y in labels:
    curves.append(clean(*simulate_light_curve(bool(y))))

lengths = [len(c) for c in curves]
print(f"{N_STARS} light curves, cadences kept: min={min(lengths)} max={max(lengths)}")

split = int(0.8 * N_STARS)
train_x = [torch.from_numpy(c).unsqueeze(0) for c in curves[:split]]
val_x = [torch.from_numpy(c).unsqueeze(0) for c in curves[split:]]
train_y = torch.from_numpy(labels[:split])
val_y = torch.from_numpy(labels[split:])


class CurveSet(torch.utils.data.Dataset):
    def __init__(self, xs, ys):
        self.xs, self.ys = xs, ys

    def __len__(self):
        return len(self.xs)

    def __getitem__(self, i):
        return self.xs[i], self.ys[i]


train_loader = DataLoader(CurveSet(train_x, train_y), batch_size=BATCH, shuffle=True)
val_loader = DataLoader(CurveSet(val_x, val_y), batch_size=BATCH)

model = nn.Sequential(
    nn.Conv1d(1, 16, kernel_size=9, padding=4), nn.ReLU(), nn.MaxPool1d(4),
    nn.Conv1d(16, 32, kernel_size=9, padding=4), nn.ReLU(), nn.MaxPool1d(4),
    nn.Conv1d(32, 32, kernel_size=5, padding=2), nn.ReLU(),
    nn.AdaptiveMaxPool1d(1), nn.Flatten(),
    nn.Linear(32, 2),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(EPOCHS):
    model.train()
    losses = []
    for xb, yb in train_loader:
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())

    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
    print(f"epoch {epoch}: loss {np.mean(losses):.3f}  val acc {correct / len(val_y):.3f}")
