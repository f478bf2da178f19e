import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(7)

N_HOURS = 24 * 21
N_FEATURES = 3


def synth_grid_load(n_hours):
    t = torch.arange(n_hours, dtype=torch.float32)
    daily = torch.sin(2 * math.pi * t / 24.0)
    weekly = 0.4 * torch.sin(2 * math.pi * t / (24.0 * 7))
    load = 50.0 + 12.0 * daily + 5.0 * weekly + torch.randn(n_hours)
    temperature = 15.0 + 8.0 * torch.sin(2 * math.pi * (t - 6) / 24.0) + 0.5 * torch.randn(n_hours)
    is_weekend = (((t // 24) % 7) >= 5).float()
    series = torch.stack([load, temperature, is_weekend], dim=1)
    mean, std = series.mean(0, keepdim=True), series.std(0, keepdim=True) + 1e-6
    return (series - mean) / std


class LoadWindows(Dataset):
    def __init__(self, series, lookback, horizon):
        self.series = series
        self.lookback = lookback
        self.horizon = horizon

    def __len__(self):
        return len(self.series) - self.lookback

    def __getitem__(self, start):
        cut = start + self.lookback
        return {
            "readings": self.series[start:cut],
            "upcoming_load": self.series[cut:cut + self.horizon, 0],
        }


class LoadForecaster(nn.Module):
    def __init__(self, n_features, hidden, horizon):
        super().__init__()
        self.encoder = nn.GRU(n_features, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, horizon))

    def forward(self, readings):
        _, h_last = self.encoder(readings)
        return self.head(h_last[-1])


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    running, seen = 0.0, 0
    for batch in loader:
        pred = model(batch["readings"])
        loss = loss_fn(pred, batch["upcoming_load"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item() * pred.shape[0]
        seen += pred.shape[0]
    return running / max(seen, 1)


def main():
    series = synth_grid_load(N_HOURS)
    split = int(0.8 * len(series))
    train_set = LoadWindows(series[:split], lookback=48, horizon=12)
    valid_set = LoadWindows(series[split:], lookback=48, horizon=12)

    train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
    valid_loader = DataLoader(valid_set, batch_size=64, shuffle=False)

    model = LoadForecaster(N_FEATURES, hidden=32, horizon=12)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.MSELoss()

    for epoch in range(2):
        train_mse = train_one_epoch(model, loader=train_loader, optimizer=optimizer, loss_fn=loss_fn)
        model.eval()
        with torch.no_grad():
            errs = [loss_fn(model(b["readings"]), b["upcoming_load"]).item() for b in valid_loader]
        print(f"epoch {epoch}: train mse {train_mse:.4f}  valid mse {sum(errs) / len(errs):.4f}")


if __name__ == "__main__":
    main()
