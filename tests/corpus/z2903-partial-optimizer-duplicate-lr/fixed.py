#!/usr/bin/env python
# vwap_deviation_sweep.py -- exported from notebooks/05_vwap_dev_sweep.ipynb
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from numpy.lib.stride_tricks import sliding_window_view
from torch.utils.data import DataLoader, TensorDataset

SEED = 17
np.random.seed(SEED)
torch.manual_seed(SEED)

VENUES = ["XNAS", "XNYS", "ARCX", "BATS", "EDGX", "IEXG", "MEMX"]
WIN = 20
N_BARS = 1500


# %% synthetic 1-minute bars, one stream per venue
def gen_venue_bars(n, rng):
    mid = 50 + np.cumsum(rng.normal(0, 0.02, n))
    vol = rng.gamma(2.0, 500.0, n)
    px = mid + rng.normal(0, 0.01, n)
    return np.column_stack([px, vol])


rng = np.random.default_rng(SEED)
raw = {v: gen_venue_bars(N_BARS, rng) for v in VENUES}


# %% rolling features
def rolling_vwap(px, vol, w):
    pv = sliding_window_view(px * vol, w).sum(-1)
    vv = sliding_window_view(vol, w).sum(-1)
    return pv / vv


def build_features(bars, w=WIN):
    px, vol = bars[:, 0], bars[:, 1]
    vwap = rolling_vwap(px, vol, w)
    px_w = px[w - 1:]
    dev = (px_w - vwap) / vwap * 1e4
    r = np.diff(np.log(px), prepend=np.log(px[0]))[w - 1:] * 1e4
    rv = sliding_window_view(np.diff(np.log(px), prepend=np.log(px[0])), w).std(-1) * 1e4
    lvol = np.log1p(vol[w - 1:])
    X = np.column_stack([dev, r, rv, lvol - lvol.mean()])
    y = np.roll(dev, -1)
    return X[:-1], y[:-1]


feats, targets, venue_ids = [], [], []
for vid, (venue, bars) in enumerate(raw.items()):
    X, y = build_features(bars)
    feats.append(X)
    targets.append(y)
    venue_ids.append(np.full(len(X), vid))

X = torch.tensor(np.concatenate(feats), dtype=torch.float32)
y = torch.tensor(np.concatenate(targets), dtype=torch.float32)
V = torch.tensor(np.concatenate(venue_ids), dtype=torch.long)
mu, sd = X.mean(0), X.std(0)
X = (X - mu) / sd

n_train = int(0.8 * len(X))
perm = torch.randperm(len(X))
tr_idx, va_idx = perm[:n_train], perm[n_train:]
train_ds = TensorDataset(X[tr_idx], V[tr_idx], y[tr_idx])
val_ds = TensorDataset(X[va_idx], V[va_idx], y[va_idx])


# %% model
class VenueMLP(nn.Module):
    def __init__(self, n_feat, n_venues, d_venue=4, hidden=64, p_drop=0.1):
        super().__init__()
        self.venue = nn.Embedding(n_venues, d_venue)
        self.net = nn.Sequential(
            nn.Linear(n_feat + d_venue, hidden), nn.SiLU(), nn.Dropout(p_drop),
            nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, 1),
        )

    def forward(self, x, v):
        return self.net(torch.cat([x, self.venue(v)], -1)).squeeze(-1)


# %% trainer + callbacks
class EarlyStopping:
    def __init__(self, patience=3):
        self.patience, self.best, self.bad = patience, float("inf"), 0

    def __call__(self, trainer, val_loss):
        if val_loss < self.best - 1e-4:
            self.best, self.bad = val_loss, 0
        else:
            self.bad += 1
        trainer.should_stop = self.bad >= self.patience


@dataclass
class Trainer:
    model_fn: callable
    optim_fn: callable
    lr: float
    epochs: int = 6
    callbacks: tuple = ()

    def fit(self, train_ds, val_ds):
        self.model = self.model_fn()
        self.opt = self.optim_fn(self.model.parameters(), lr=self.lr)
        self.should_stop = False
        loss_fn = nn.MSELoss()
        tl = DataLoader(train_ds, batch_size=256, shuffle=True)
        vl = DataLoader(val_ds, batch_size=1024)
        val = float("nan")
        for ep in range(self.epochs):
            self.model.train()
            for xb, vb, yb in tl:
                self.opt.zero_grad()
                loss_fn(self.model(xb, vb), yb).backward()
                self.opt.step()
            self.model.eval()
            with torch.no_grad():
                val = np.mean([loss_fn(self.model(xb, vb), yb).item() for xb, vb, yb in vl])
            for cb in self.callbacks:
                cb(self, val)
            if self.should_stop:
                break
        return val


make_model = partial(VenueMLP, n_feat=X.shape[1], n_venues=len(VENUES), hidden=64)
make_optim = partial(torch.optim.AdamW, lr=1e-3, weight_decay=1e-2, betas=(0.9, 0.99))

results = {}
for lr in [3e-4, 1e-3, 3e-3]:
    torch.manual_seed(SEED)
    trainer = Trainer(make_model, make_optim, lr=lr, epochs=6, callbacks=(EarlyStopping(2),))
    results[lr] = trainer.fit(train_ds, val_ds)
    print(f"lr={lr:.0e}  val_mse={results[lr]:.4f}")

best_lr = min(results, key=results.get)
print("best lr", best_lr)
