# PM2.5 forecasting for a roadside air-quality station: predict the next 6 hours
# from the previous 24 hourly readings (plus temperature and wind speed).
import math

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

config = {
    "lookback": 24,
    "horizon": 6,
    "hours": 24 * 30,
    "val_fraction": 0.2,
    "batch_size": 32,
    "epochs": 3,
    "lr": 3e-3,
}

torch.manual_seed(2024)


def simulate_station(hours):
    t = torch.arange(hours, dtype=torch.float32)
    daily = torch.sin(2 * math.pi * t / 24)
    weekly = torch.sin(2 * math.pi * t / (24 * 7))
    temp = 12 + 6 * daily + torch.randn(hours)
    wind = (3 + torch.randn(hours)).clamp(min=0.0)
    pm25 = 25 + 10 * daily + 5 * weekly - 2.0 * wind + 2 * torch.randn(hours)
    return torch.stack([pm25, temp, wind], dim=1)


class WindowedReadings(Dataset):
    def __init__(self, readings, lookback, horizon):
        self.readings = readings
        self.lookback = lookback
        self.horizon = horizon

    def __len__(self):
        return len(self.readings) - self.lookback - self.horizon + 1

    def __getitem__(self, i):
        past = self.readings[i:i + self.lookback]
        future_pm = self.readings[i + self.lookback:i + self.lookback + self.horizon, 0]
        return past, future_pm


class Forecaster(nn.Module):
    def __init__(self, n_features, horizon, hidden=48):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, horizon))

    def forward(self, past):
        _, (h, _) = self.lstm(past)
        return self.head(h[-1])


readings = simulate_station(config["hours"])
split = int(len(readings) * (1 - config["val_fraction"]))
mean = readings[:split].mean(0)
std = readings[:split].std(0)
normed = (readings - mean) / std

train_set = WindowedReadings(normed[:split], config["lookback"], config["horizon"])
val_set = WindowedReadings(normed[split:], config["lookback"], config["horizon"])
train_loader = DataLoader(train_set, batch_size=config["batch_size"], shuffle=True,
                          generator=torch.Generator().manual_seed(0))
val_loader = DataLoader(val_set, batch_size=config["batch_size"])

model = Forecaster(readings.shape[1], config["horizon"])
optimizer = torch.optim.AdamW(model.parameters(), lr=config["lr"])
loss_fn = nn.L1Loss()

for epoch in range(config["epochs"]):
    model.train()
    running = 0.0
    for past, future in train_loader:
        optimizer.zero_grad()
        loss = loss_fn(model(past), future)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(past)

    model.eval()
    with torch.no_grad():
        val_mae = sum(loss_fn(model(p), f).item() * len(p) for p, f in val_loader) / len(val_set)
    print(f"epoch {epoch}: train MAE {running / len(train_set):.3f}  "
          f"val MAE {val_mae * std[0].item():.2f} ug/m3")
