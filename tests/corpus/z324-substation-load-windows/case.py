"""Next-hour load forecast for one distribution substation.

30 days of hourly feeder load (MW) plus calendar features; an MLP looks at the
last `window` hours and predicts the following hour.
"""
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class ForecastConfig:
    days: int = 30
    window: int = 48
    hidden: int = 64
    batch_size: int = 32
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 3


def make_feeder_history(cfg: ForecastConfig):
    g = torch.Generator().manual_seed(cfg.seed)
    hours = torch.arange(cfg.days * 24)
    hour_of_day = hours % 24
    day_of_week = (hours // 24) % 7
    daily = 0.6 * torch.sin((hour_of_day.float() - 7) / 24 * 2 * torch.pi)
    weekend = torch.where(day_of_week >= 5, -0.25, 0.0)
    noise = 0.05 * torch.randn(hours.numel(), generator=g)
    load_mw = 4.0 + daily + weekend + noise
    return load_mw, hour_of_day, day_of_week


class LoadWindows(Dataset):
    def __init__(self, load_mw, hour_of_day, day_of_week, cfg: ForecastConfig):
        self.mean, self.std = load_mw.mean(), load_mw.std()
        self.load = (load_mw - self.mean) / self.std
        self.hod = hour_of_day
        self.dow = day_of_week
        self.cfg = cfg

    def __len__(self):
        return self.load.numel() - self.cfg.window + 1

    def __getitem__(self, start):
        end = start + self.cfg.window
        past = self.load[start:end]
        target_hour = self.hod[end]
        calendar = torch.cat([
            nn.functional.one_hot(target_hour, 24).float(),
            nn.functional.one_hot(self.dow[end], 7).float(),
        ])
        return torch.cat([past, calendar]), self.load[end]


class LoadMLP(nn.Module):
    def __init__(self, cfg: ForecastConfig):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(cfg.window + 24 + 7, cfg.hidden),
            nn.ReLU(),
            nn.Linear(cfg.hidden, cfg.hidden),
            nn.ReLU(),
            nn.Linear(cfg.hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


def fit(cfg: ForecastConfig):
    torch.manual_seed(cfg.seed)
    load_mw, hod, dow = make_feeder_history(cfg)
    ds = LoadWindows(load_mw, hod, dow, cfg)
    dl = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)
    model = LoadMLP(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    mse = nn.MSELoss()

    for epoch in range(cfg.epochs):
        total, n = 0.0, 0
        for x, y in dl:
            pred = model(x)
            loss = mse(pred, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * x.size(0)
            n += x.size(0)
        rmse_mw = (total / n) ** 0.5 * ds.std.item()
        print(f"epoch {epoch}: train RMSE {rmse_mw:.3f} MW over {n} windows")
    return model


if __name__ == "__main__":
    fit(ForecastConfig())
