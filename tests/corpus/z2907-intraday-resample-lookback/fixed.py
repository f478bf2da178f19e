#!/usr/bin/env python
# coding: utf-8
# intraday_vol_forecast.ipynb -> script
# 15-minute realized-vol forecaster on resampled 1-minute bars, per-ticker embedding

from functools import partial

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(31337)
torch.manual_seed(31337)

TICKERS = ["SPY", "QQQ", "IWM", "TLT", "GLD", "XLE"]
MINUTES_PER_SESSION = 390
N_SESSIONS = 15
BAR_MINUTES = 15
BARS_PER_DAY = MINUTES_PER_SESSION // BAR_MINUTES
LOOKBACK_DAYS = 2
TARGET_BARS = 2

CFG = dict(d_emb=4, hidden=48, epochs=4, batch=64, lr=1e-3)


# %% raw minute data
def minute_bars(n_sessions):
    n = n_sessions * MINUTES_PER_SESSION
    u_shape = 1 + 0.8 * np.cos(np.linspace(0, 2 * np.pi, MINUTES_PER_SESSION)) ** 2
    sigma = 4e-4 * np.tile(u_shape, n_sessions) * np.exp(np.repeat(rng.normal(0, 0.3, n_sessions),
                                                                   MINUTES_PER_SESSION))
    r = sigma * rng.standard_t(5, n)
    close = 100 * np.exp(np.cumsum(r))
    volume = rng.poisson(2000 * np.tile(u_shape, n_sessions))
    return close, volume


def resample(close, volume, k):
    n = len(close) // k * k
    c = close[:n].reshape(-1, k)
    v = volume[:n].reshape(-1, k)
    logc = np.log(c)
    rv = np.sqrt((np.diff(logc, axis=1) ** 2).sum(axis=1))
    return {"close": c[:, -1], "volume": v.sum(axis=1), "rv": rv}


raw = {tk: minute_bars(N_SESSIONS) for tk in TICKERS}
bars = {tk: resample(c, v, BAR_MINUTES) for tk, (c, v) in raw.items()}


# %% features over rolling windows
def make_windows(b, lookback, horizon):
    logrv = np.log(b["rv"] + 1e-8)
    logvol = np.log1p(b["volume"])
    tod = (np.arange(len(logrv)) % BARS_PER_DAY) / BARS_PER_DAY
    stacked = np.stack([logrv, logvol - logvol.mean(), np.sin(2 * np.pi * tod), np.cos(2 * np.pi * tod)], 1)
    win = np.lib.stride_tricks.sliding_window_view(stacked, lookback, axis=0)
    win = win[: len(stacked) - lookback - horizon + 1]
    fut = np.lib.stride_tricks.sliding_window_view(logrv[lookback:], horizon).mean(axis=1)
    return win.reshape(len(win), -1).astype(np.float32), fut[: len(win)].astype(np.float32)


lookback = LOOKBACK_DAYS * BARS_PER_DAY
window_fn = partial(make_windows, lookback=lookback, horizon=TARGET_BARS)

xs, ids, ys = [], [], []
for i, tk in enumerate(TICKERS):
    X, y = window_fn(bars[tk])
    xs.append(X)
    ys.append(y)
    ids.append(np.full(len(y), i))
X = torch.from_numpy(np.concatenate(xs))
T = torch.from_numpy(np.concatenate(ids)).long()
Y = torch.from_numpy(np.concatenate(ys))
mu, sd = X.mean(0, keepdim=True), X.std(0, keepdim=True) + 1e-6
X = (X - mu) / sd

cut = int(0.8 * len(Y))
order = torch.randperm(len(Y))
train = TensorDataset(X[order[:cut]], T[order[:cut]], Y[order[:cut]])
valid = TensorDataset(X[order[cut:]], T[order[cut:]], Y[order[cut:]])


# %% model
class VolNet(nn.Module):
    def __init__(self, n_in, n_tickers, d_emb, hidden):
        super().__init__()
        self.emb = nn.Embedding(n_tickers, d_emb)
        self.body = nn.Sequential(nn.Linear(n_in + d_emb, hidden), nn.SiLU(),
                                  nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, 1))

    def forward(self, x, tk):
        return self.body(torch.cat([x, self.emb(tk)], -1)).squeeze(-1)


def qlike(pred_logrv, true_logrv):
    ratio = torch.exp(2 * (true_logrv - pred_logrv))
    return (ratio - torch.log(ratio) - 1).mean()


class MiniTrainer:
    def __init__(self, model, loss_fn, opt_ctor, callbacks=()):
        self.model, self.loss_fn = model, loss_fn
        self.opt = opt_ctor(model.parameters())
        self.callbacks = list(callbacks)
        self.history = []

    def run_epoch(self, loader, train=True):
        self.model.train(train)
        total, n = 0.0, 0
        with torch.set_grad_enabled(train):
            for xb, tb, yb in loader:
                loss = self.loss_fn(self.model(xb, tb), yb)
                if train:
                    self.opt.zero_grad()
                    loss.backward()
                    self.opt.step()
                total += loss.item() * len(yb)
                n += len(yb)
        return total / n

    def fit(self, tr, va, epochs):
        for ep in range(epochs):
            rec = {"epoch": ep, "train": self.run_epoch(tr), "valid": self.run_epoch(va, train=False)}
            self.history.append(rec)
            for cb in self.callbacks:
                cb(self, rec)


def printer(trainer, rec):
    print("epoch {epoch}: train qlike {train:.4f} | valid qlike {valid:.4f}".format(**rec))


def best_keeper(store, trainer, rec):
    if rec["valid"] < store.get("valid", np.inf):
        store.update(valid=rec["valid"], state={k: v.clone() for k, v in trainer.model.state_dict().items()})


best = {}
model = VolNet(X.shape[1], len(TICKERS), CFG["d_emb"], CFG["hidden"])
trainer = MiniTrainer(model, qlike, partial(torch.optim.Adam, lr=CFG["lr"]),
                      callbacks=[printer, partial(best_keeper, best)])
trainer.fit(DataLoader(train, batch_size=CFG["batch"], shuffle=True),
            DataLoader(valid, batch_size=256), CFG["epochs"])
model.load_state_dict(best["state"])
print(f"best valid qlike {best['valid']:.4f} on {len(valid)} windows")
