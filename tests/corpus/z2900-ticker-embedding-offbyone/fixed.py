#!/usr/bin/env python
# coding: utf-8
# Exported from notebooks/intraday_bar_forecast.ipynb

import math
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from numpy.lib.stride_tricks import sliding_window_view
from torch.utils.data import DataLoader, Dataset

# In[1]:
SEED = 7
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

TICKERS = ["AAPL", "MSFT", "NVDA", "AMZN", "META", "GOOG",
           "TSLA", "JPM", "XOM", "UNH", "AVGO", "COST"]
VENUES = ["XNAS", "XNYS", "BATS", "IEXG"]
N_BARS = 400
LOOKBACK = 32
HORIZON = 1

# In[2]:
def simulate_bars(n_bars, rng):
    drift = rng.normal(0, 2e-5)
    vol = rng.uniform(5e-4, 2e-3)
    logret = rng.normal(drift, vol, size=n_bars)
    close = 100 * np.exp(np.cumsum(logret))
    volume = rng.lognormal(10, 0.5, size=n_bars)
    venue = rng.integers(0, len(VENUES), size=n_bars)
    return {"close": close, "volume": volume, "venue": venue}


bars = {t: simulate_bars(N_BARS, rng) for t in TICKERS}

# unseen symbols at inference time map to 0
ticker_to_idx = {t: i for i, t in enumerate(sorted(TICKERS), start=1)}
venue_to_idx = {v: i for i, v in enumerate(VENUES)}


# In[3]:
def make_features(b):
    logp = np.log(b["close"])
    ret = np.diff(logp, prepend=logp[0])
    lv = np.log(b["volume"])
    lv = (lv - lv.mean()) / lv.std()
    feats = np.stack([ret * 100, lv], axis=-1)  # (T, 2)
    win = sliding_window_view(feats, LOOKBACK, axis=0)  # (T-L+1, 2, L)
    win = win.transpose(0, 2, 1)[:-HORIZON]
    target = ret[LOOKBACK - 1 + HORIZON:] * 100
    venue = b["venue"][LOOKBACK - 1:-HORIZON]
    return win.astype(np.float32), target.astype(np.float32), venue


class BarWindows(Dataset):
    def __init__(self, bars, split="train", frac=0.8):
        self.rows = []
        for sym, b in bars.items():
            X, y, v = make_features(b)
            cut = int(len(X) * frac)
            sl = slice(0, cut) if split == "train" else slice(cut, None)
            for x_, y_, v_ in zip(X[sl], y[sl], v[sl]):
                self.rows.append((x_, y_, ticker_to_idx[sym], int(v_)))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        x, y, t, v = self.rows[i]
        return {"x": torch.from_numpy(x.copy()), "y": torch.tensor(y),
                "ticker": torch.tensor(t), "venue": torch.tensor(v)}


# In[4]:
class BarForecaster(nn.Module):
    def __init__(self, n_tickers, n_venues, n_feat=2, d_emb=8, d_hidden=32):
        super().__init__()
        self.ticker_emb = nn.Embedding(n_tickers, d_emb)
        self.venue_emb = nn.Embedding(n_venues, 4)
        self.rnn = nn.GRU(n_feat, d_hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(d_hidden + d_emb + 4, 32), nn.GELU(), nn.Linear(32, 1))

    def forward(self, x, ticker, venue):
        _, h = self.rnn(x)
        z = torch.cat([h[-1], self.ticker_emb(ticker), self.venue_emb(venue)], dim=-1)
        return self.head(z).squeeze(-1)


make_model = partial(BarForecaster, n_venues=len(venue_to_idx), d_emb=8, d_hidden=32)
make_opt = partial(torch.optim.AdamW, lr=1e-3, weight_decay=1e-4)


# In[5]:
@dataclass
class Trainer:
    model: nn.Module
    opt_factory: callable
    epochs: int = 2
    callbacks: list = field(default_factory=list)
    history: list = field(default_factory=list)

    def __post_init__(self):
        self.opt = self.opt_factory(self.model.parameters())
        self.loss_fn = nn.HuberLoss(delta=1.0)

    def _emit(self, hook, **kw):
        for cb in self.callbacks:
            fn = getattr(cb, hook, None)
            if fn is not None:
                fn(self, **kw)

    def run_epoch(self, loader, train=True):
        self.model.train(train)
        total, n = 0.0, 0
        for batch in loader:
            with torch.set_grad_enabled(train):
                pred = self.model(batch["x"], batch["ticker"], batch["venue"])
                loss = self.loss_fn(pred, batch["y"])
            if train:
                self.opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                self.opt.step()
            total += loss.item() * len(batch["y"])
            n += len(batch["y"])
        return total / max(n, 1)

    def fit(self, train_dl, val_dl):
        for ep in range(self.epochs):
            tr = self.run_epoch(train_dl, True)
            va = self.run_epoch(val_dl, False)
            self.history.append({"epoch": ep, "train": tr, "val": va})
            self._emit("on_epoch_end", epoch=ep, logs=self.history[-1])


class PrintLogger:
    def on_epoch_end(self, trainer, epoch, logs):
        print(f"epoch {epoch}  train {logs['train']:.4f}  val {logs['val']:.4f}  "
              f"rmse {math.sqrt(logs['val'] * 2):.4f}")


# In[6]:
train_ds = BarWindows(bars, "train")
val_ds = BarWindows(bars, "val")
train_dl = DataLoader(train_ds, batch_size=128, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=256)

model = make_model(n_tickers=len(ticker_to_idx) + 1)
trainer = Trainer(model, make_opt, epochs=2, callbacks=[PrintLogger()])
trainer.fit(train_dl, val_dl)

print("final val loss", trainer.history[-1]["val"])
