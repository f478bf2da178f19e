import math
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

# synthetic turbine telemetry: vibration, rotor speed, bearing temperature
N_STEPS = 240
t = torch.arange(N_STEPS, dtype=torch.float32)
vibration = 0.6 * torch.sin(t / 7.0) + 0.05 * torch.randn(N_STEPS)
rotor_rpm = 1.0 + 0.2 * torch.cos(t / 11.0)
bearing_temp = 0.3 * torch.sin(t / 23.0) + 0.01 * t / N_STEPS
telemetry = torch.stack([vibration, rotor_rpm, bearing_temp], dim=1)

mu, sigma = telemetry.mean(0), telemetry.std(0)
telemetry = (telemetry - mu) / sigma


class VibrationWindows(Dataset):
    """Past `lookback` readings -> next vibration value."""

    def __init__(self, readings, lookback):
        self.readings = readings
        self.lookback = lookback

    def __len__(self):
        return len(self.readings) - self.lookback

    def __getitem__(self, start):
        past = self.readings[start:start + self.lookback]
        nxt = self.readings[start + self.lookback, 0]
        return past, nxt


class GRUForecaster(nn.Module):
    def __init__(self, n_feat, hidden=32):
        super().__init__()
        self.rnn = nn.GRU(n_feat, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        seq, _ = self.rnn(x)
        return self.out(seq[:, -1]).squeeze(-1)


def run_epoch(model, loader, optim=None):
    training = optim is not None
    model.train(training)
    total, count = 0.0, 0
    for past, nxt in loader:
        with torch.set_grad_enabled(training):
            pred = model(past)
            loss = nn.functional.mse_loss(pred, nxt)
        if training:
            optim.zero_grad()
            loss.backward()
            optim.step()
        total += loss.item() * len(nxt)
        count += len(nxt)
    return math.sqrt(total / count)


split = int(0.8 * N_STEPS)
train_ds = VibrationWindows(telemetry[:split], lookback=24)
val_ds = VibrationWindows(telemetry[split:], lookback=24)
train_dl = DataLoader(train_ds, batch_size=16, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=16)

model = GRUForecaster(n_feat=telemetry.shape[1])
optim = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(1):
    tr = run_epoch(model, train_dl, optim)
    va = run_epoch(model, val_dl)
    print(f"epoch {epoch}: train rmse {tr:.3f}  val rmse {va:.3f}")

with tempfile.TemporaryDirectory() as d:
    torch.save(model.state_dict(), f"{d}/forecaster.pt")
