import math
import random

import torch
import torch.nn as nn

random.seed(1)
torch.manual_seed(1)

N_DAYS = 120


def weather_feed(n):
    """Daily mean temperature (deg C) as delivered by the weather provider."""
    return [12 + 9 * math.sin(2 * math.pi * d / 365) + random.gauss(0, 2) for d in range(n)]


def meter_readings(temps):
    """Daily substation load (MWh) exported from the metering system."""
    load, prev = [], 480.0
    for d, t in enumerate(temps):
        weekday_bump = -40.0 if d % 7 in (5, 6) else 0.0
        prev = 0.6 * prev + 0.4 * (520 - 6 * t + weekday_bump) + random.gauss(0, 8)
        load.append(prev)
    return load


def build_features(temps, load):
    rows = []
    for d in range(1, len(load)):
        rows.append([
            load[d - 1] / 500.0,
            temps[d] / 20.0,
            1.0 if d % 7 in (5, 6) else 0.0,
            math.sin(2 * math.pi * (d % 7) / 7),
        ])
    return torch.tensor(rows)


def mean_abs_pct_error(pred, actual):
    return ((pred - actual).abs() / actual.abs()).mean().item() * 100


class LoadForecaster(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1) * 500.0


temps = weather_feed(N_DAYS)
load = meter_readings(temps)

features = build_features(temps, load)
targets = torch.tensor(load)

cut = int(0.8 * N_DAYS)
x_train, x_test = features[:cut], features[cut:]
y_train, y_test = targets[:cut], targets[cut:]
print(f"train rows {len(x_train)}, test rows {len(x_test)}")

model = LoadForecaster(features.shape[1])
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(300):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x_train), y_train) / 1e4
    loss.backward()
    opt.step()
    if step % 100 == 0:
        print(f"step {step} scaled mse {loss.item():.4f}")

model.eval()
with torch.no_grad():
    forecast = model(x_test)
print(f"test MAPE {mean_abs_pct_error(forecast, y_test):.2f}%")
