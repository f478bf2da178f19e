"""Weekly store/item demand forecasting: predict the next 7 days of unit sales."""
import argparse
import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

# ----------------------------------------------------------------- features.py
def synth_sales(n_stores=2, n_days=70, rng=None):
    """Daily unit sales per store: trend + weekly seasonality + promo spikes + noise."""
    rng = rng or np.random.default_rng(0)
    days = np.arange(n_days)
    out = []
    for s in range(n_stores):
        base = 20 + 5 * s
        weekly = 6 * np.sin(2 * math.pi * days / 7)
        promo = (rng.random(n_days) < 0.08) * rng.integers(10, 30, n_days)
        noise = rng.normal(0, 2, n_days)
        out.append(np.clip(base + 0.05 * days + weekly + promo + noise, 0, None))
    return np.stack(out).astype(np.float32)


def calendar_features(n_days):
    dow = np.arange(n_days) % 7
    return np.stack([np.sin(2 * math.pi * dow / 7), np.cos(2 * math.pi * dow / 7)], axis=-1).astype(np.float32)


def make_windows(sales, lookback, horizon):
    cal = calendar_features(sales.shape[1])
    xs, ys = [], []
    for store in sales:
        scale = store.mean()
        for t in range(lookback, len(store) - horizon + 1):
            hist = store[t - lookback:t, None] / scale
            xs.append(np.concatenate([hist, cal[t - lookback:t]], axis=-1))
            ys.append(store[t:t + horizon] / scale)
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


# -------------------------------------------------------------------- model.py
class DemandEncoder(nn.Module):
    def __init__(self, n_features, hidden, layers, bidirectional):
        super().__init__()
        self.rnn = nn.GRU(n_features, hidden, num_layers=layers, batch_first=True,
                          bidirectional=bidirectional)

    def forward(self, x):
        out, _ = self.rnn(x)
        return out[:, -1]  # summary at the last observed day


class Forecaster(nn.Module):
    def __init__(self, n_features, hidden, horizon, layers=1, bidirectional=True):
        super().__init__()
        self.encoder = DemandEncoder(n_features, hidden, layers, bidirectional)
        enc_dim = hidden * 2 if bidirectional else hidden
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(enc_dim, horizon))

    def forward(self, x):
        return self.head(self.encoder(x))


# -------------------------------------------------------------------- train.py
def run_epoch(model, loader, optim=None):
    training = optim is not None
    model.train(training)
    total, n = 0.0, 0
    with torch.set_grad_enabled(training):
        for xb, yb in loader:
            pred = model(xb)
            loss = nn.functional.l1_loss(pred, yb)
            if training:
                optim.zero_grad()
                loss.backward()
                optim.step()
            total += loss.item() * len(xb)
            n += len(xb)
    return total / n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lookback", type=int, default=28)
    p.add_argument("--horizon", type=int, default=7)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=32)
    args = p.parse_args()

    torch.manual_seed(0)
    sales = synth_sales()
    X, Y = make_windows(sales, args.lookback, args.horizon)
    split = int(0.8 * len(X))
    train_dl = DataLoader(TensorDataset(X[:split], Y[:split]), batch_size=args.batch_size, shuffle=True)
    val_dl = DataLoader(TensorDataset(X[split:], Y[split:]), batch_size=args.batch_size)

    model = Forecaster(n_features=X.shape[-1], hidden=args.hidden, horizon=args.horizon)
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(args.epochs):
        tr = run_epoch(model, train_dl, optim)
        va = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train MAE {tr:.3f} | val MAE {va:.3f}")


if __name__ == "__main__":
    main()
