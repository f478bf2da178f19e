import math

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(7)

CONFIG = {
    "n_hours": 480,
    "lookback": 24,
    "batch_size": 32,
    "hidden": 48,
    "lr": 3e-3,
    "epochs": 1,
}


def synth_load_curve(n_hours):
    hours = torch.arange(n_hours, dtype=torch.float32)
    daily = 0.6 * torch.sin(2 * math.pi * hours / 24.0)
    weekly = 0.25 * torch.sin(2 * math.pi * hours / (24.0 * 7))
    trend = 0.0015 * hours
    noise = 0.05 * torch.randn(n_hours)
    return 3.0 + daily + weekly + trend + noise


def calendar_features(n_hours):
    hours = torch.arange(n_hours)
    hod = hours % 24
    dow = (hours // 24) % 7
    return torch.stack(
        [
            torch.sin(2 * math.pi * hod / 24.0),
            torch.cos(2 * math.pi * hod / 24.0),
            (dow >= 5).float(),
        ],
        dim=1,
    )


class HourlyLoadWindows(Dataset):
    def __init__(self, load, calendar, lookback):
        self.load = (load - load.mean()) / load.std()
        self.calendar = calendar
        self.lookback = lookback

    def __len__(self):
        return self.load.size(0) - self.lookback

    def __getitem__(self, i):
        t = i + self.lookback
        history = self.load[i:t].unsqueeze(-1)
        next_calendar = self.calendar[t]
        target = self.load[t]
        return history, next_calendar, target


class LoadForecaster(nn.Module):
    def __init__(self, hidden, n_calendar):
        super().__init__()
        self.rnn = nn.GRU(1, hidden, batch_first=True)
        self.head = nn.Sequential(
            nn.Linear(hidden + n_calendar, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, history, next_calendar):
        _, h = self.rnn(history)
        z = torch.cat([h[-1], next_calendar], dim=1)
        return self.head(z).squeeze(-1)


def train(cfg):
    load = synth_load_curve(cfg["n_hours"])
    calendar = calendar_features(cfg["n_hours"])
    ds = HourlyLoadWindows(load, calendar, cfg["lookback"])
    loader = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=False)

    model = LoadForecaster(cfg["hidden"], calendar.size(1))
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.MSELoss()

    for epoch in range(cfg["epochs"]):
        total, seen = 0.0, 0
        for history, next_cal, target in loader:
            pred = model(history, next_cal)
            loss = loss_fn(pred, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * target.size(0)
            seen += target.size(0)
        print(f"epoch {epoch}: mse={total / seen:.4f} over {seen} windows")
    return model


if __name__ == "__main__":
    train(CONFIG)
