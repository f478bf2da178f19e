"""Hourly substation load forecasting: predict next-hour load change from the last day of changes."""
import math
import argparse

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


def synth_load(num_substations, num_hours, seed=7):
    g = torch.Generator().manual_seed(seed)
    hours = torch.arange(num_hours, dtype=torch.float32)
    daily = torch.sin(2 * math.pi * hours / 24.0)
    weekly = 0.3 * torch.sin(2 * math.pi * hours / (24.0 * 7))
    base = 40.0 + 20.0 * torch.rand(num_substations, 1, generator=g)
    amplitude = 5.0 + 5.0 * torch.rand(num_substations, 1, generator=g)
    noise = 0.8 * torch.randn(num_substations, num_hours, generator=g)
    return base + amplitude * daily + 4.0 * weekly + noise  # (S, T) in MW


class LoadDeltaWindows(Dataset):
    """Windows of hour-over-hour load changes, normalised per substation."""

    def __init__(self, load_mw, lookback):
        self.lookback = lookback
        self.num_hours = load_mw.shape[1]
        deltas = load_mw[:, 1:] - load_mw[:, :-1]
        self.scale = deltas.std(dim=1, keepdim=True).clamp_min(1e-3)
        self.deltas = deltas / self.scale
        self.samples = [
            (station, start)
            for station in range(load_mw.shape[0])
            for start in range(self.num_hours - lookback)
        ]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        station, start = self.samples[idx]
        history = self.deltas[station, start:start + self.lookback]
        target = self.deltas[station, start + self.lookback]
        return history.unsqueeze(-1), target


class DeltaForecaster(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.conv = nn.Conv1d(1, hidden, kernel_size=5, padding=2)
        self.rnn = nn.LSTM(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        h = torch.relu(self.conv(x.transpose(1, 2))).transpose(1, 2)
        seq, _ = self.rnn(h)
        return self.out(seq[:, -1]).squeeze(-1)


def train(args):
    torch.manual_seed(args.seed)
    load_mw = synth_load(args.substations, args.days * 24, seed=args.seed)
    split = int(load_mw.shape[1] * 0.8)
    train_ds = LoadDeltaWindows(load_mw[:, :split], args.lookback)
    val_ds = LoadDeltaWindows(load_mw[:, split:], args.lookback)
    print(f"train windows: {len(train_ds)}  val windows: {len(val_ds)}")

    train_dl = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=args.batch_size)

    model = DeltaForecaster(args.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.SmoothL1Loss()

    for epoch in range(args.epochs):
        model.train()
        running = 0.0
        for history, target in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(history), target)
            loss.backward()
            opt.step()
            running += loss.item() * history.size(0)
        model.eval()
        with torch.no_grad():
            val_loss = sum(
                loss_fn(model(h), t).item() * h.size(0) for h, t in val_dl
            ) / len(val_ds)
        print(f"epoch {epoch}: train {running / len(train_ds):.4f}  val {val_loss:.4f}")
    return model


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--substations", type=int, default=2)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--lookback", type=int, default=24)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=7)
    train(parser.parse_args())
