#!/usr/bin/env python
# coding: utf-8
# daily_xsec_alpha.ipynb -> script
# Cross-sectional next-day return ranking with a rolling-feature registry + ticker embedding.

from functools import partial

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(99)
torch.manual_seed(99)

UNIVERSE = ["JPM", "BAC", "WFC", "C", "GS", "MS", "USB", "PNC", "TFC", "SCHW"]
N_DAYS = 420
LOOKBACK = 20

mkt = rng.normal(3e-4, 0.011, size=N_DAYS)
beta = rng.uniform(0.8, 1.4, size=len(UNIVERSE))
idio = rng.normal(0, 0.015, size=(N_DAYS, len(UNIVERSE)))
rets = mkt[:, None] * beta[None, :] + idio
volume = rng.lognormal(15, 0.4, size=(N_DAYS, len(UNIVERSE)))


def _rolling(x, window):
    w = np.lib.stride_tricks.sliding_window_view(x, window, axis=0)
    pad = np.full((window - 1,) + w.shape[1:], np.nan)
    return np.concatenate([pad, w], axis=0)


def rolling_stat(x, window, stat):
    return stat(_rolling(x, window), axis=-1)


def rolling_zscore(x, window, eps=1e-8):
    w = _rolling(x, window)
    return (x - w.mean(-1)) / (w.std(-1) + eps)


def momentum(x, window, skip=1):
    c = np.cumsum(x, axis=0)
    out = np.full_like(x, np.nan)
    out[window:] = c[window - skip:-skip] - c[:-window]
    return out


FEATURES = {
    "mean_ret": partial(rolling_stat, stat=np.mean),
    "vol": partial(rolling_stat, stat=np.std),
    "mom": partial(momentum, skip=1),
    "z_ret": rolling_zscore,
    "z_logvol": lambda _, w: rolling_zscore(np.log(volume), w),
}


def build_features(rets, window):
    cols = []
    for name, fn in FEATURES.items():
        f = fn(rets, window)
        cols.append(f)
        print(f"feature {name:10s} nan-frac {np.isnan(f).mean():.3f}")
    return np.stack(cols, axis=-1)


feats = build_features(rets, LOOKBACK)
target = np.roll(rets, -1, axis=0)
valid = ~np.isnan(feats).any(axis=(1, 2))
valid[-1] = False
days = np.flatnonzero(valid)
split_day = days[int(len(days) * 0.75)]
print("usable days", len(days), "split at", split_day)


def day_batches(day_idx, shuffle):
    order = rng.permutation(day_idx) if shuffle else day_idx
    for d in order:
        x = torch.tensor(np.nan_to_num(feats[d]), dtype=torch.float32)
        y = torch.tensor(target[d], dtype=torch.float32)
        yield x, torch.arange(len(UNIVERSE)), (y - y.mean()) / (y.std() + 1e-8)


class XSecScorer(nn.Module):
    def __init__(self, n_feat, n_tickers, emb=4, hidden=16):
        super().__init__()
        self.emb = nn.Embedding(n_tickers, emb)
        self.mlp = nn.Sequential(nn.Linear(n_feat + emb, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, x, tick):
        return self.mlp(torch.cat([x, self.emb(tick)], -1)).squeeze(-1)


def pearson_loss(pred, y):
    p = pred - pred.mean()
    return -(p * y).sum() / (p.norm() * y.norm() + 1e-8)


class RankICLog:
    def on_epoch_end(self, tr, ep, logs):
        print(f"ep {ep}: train {logs['train']:+.4f}  test IC {logs['test_ic']:+.4f}")


class Trainer:
    def __init__(self, model, loss_fn, lr=5e-3, epochs=3, callbacks=()):
        self.model, self.loss_fn, self.epochs = model, loss_fn, epochs
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)
        self.callbacks = list(callbacks)

    def evaluate(self, day_idx):
        self.model.eval()
        with torch.no_grad():
            ics = [-self.loss_fn(self.model(x, t), y).item() for x, t, y in day_batches(day_idx, False)]
        return float(np.mean(ics))

    def fit(self, train_days, test_days):
        for ep in range(self.epochs):
            self.model.train()
            losses = []
            for x, t, y in day_batches(train_days, True):
                loss = self.loss_fn(self.model(x, t), y)
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                losses.append(loss.item())
            logs = {"train": float(np.mean(losses)), "test_ic": self.evaluate(test_days)}
            for cb in self.callbacks:
                cb.on_epoch_end(self, ep, logs)


model = XSecScorer(feats.shape[-1], len(UNIVERSE))
trainer = Trainer(model, pearson_loss, callbacks=[RankICLog()])
trainer.fit(days[days < split_day], days[days >= split_day])
