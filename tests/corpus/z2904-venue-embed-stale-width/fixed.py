#!/usr/bin/env python
# coding: utf-8
# exported from notebooks/mid_horizon_alpha_v3.ipynb

import math
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

# In[1]:
SEED = 7
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

TICKERS = ["AAPL", "MSFT", "NVDA", "AMZN", "META", "TSLA", "JPM", "XOM"]
VENUES = ["XNAS", "XNYS", "BATS", "EDGX", "IEXG"]
FEATURE_NAMES = ["ret_1", "ret_5", "log_vol", "spread_bps", "imbalance", "rv_20",
                 "tod_sin", "tod_cos"]
N_BARS = 1200
WINDOW = 30
HORIZON = 5


@dataclass
class ModelConfig:
    n_tickers: int = len(TICKERS)
    n_venues: int = len(VENUES)
    n_numeric: int = len(FEATURE_NAMES)
    d_ticker: int = 8
    d_venue: int = 4
    d_hidden: int = 32
    dropout: float = 0.1


@dataclass
class TrainConfig:
    epochs: int = 2
    batch_size: int = 64
    lr: float = 3e-3
    weight_decay: float = 1e-4
    log_every: int = 10
    extra: dict = field(default_factory=dict)


# In[2]: synthetic minute bars per (ticker, venue)
def simulate_bars(n):
    px = 100 * np.exp(np.cumsum(rng.normal(0, 1e-3, n)))
    vol = rng.lognormal(8, 0.6, n)
    spread = np.abs(rng.normal(2.0, 0.5, n))
    imb = np.tanh(rng.normal(0, 0.7, n))
    return px, vol, spread, imb


def rolling_std(x, w):
    win = np.lib.stride_tricks.sliding_window_view(x, w)
    out = np.full_like(x, np.nan)
    out[w - 1:] = win.std(axis=-1)
    return out


def build_features(px, vol, spread, imb):
    logp = np.log(px)
    r1 = np.diff(logp, prepend=logp[0])
    r5 = logp - np.concatenate([np.full(5, logp[0]), logp[:-5]])
    rv = rolling_std(r1, 20)
    minute = np.arange(len(px)) % 390
    feats = np.stack([r1 * 1e3, r5 * 1e3, np.log(vol) - 8, spread, imb, rv * 1e3,
                      np.sin(2 * math.pi * minute / 390), np.cos(2 * math.pi * minute / 390)], axis=1)
    fwd = np.concatenate([logp[HORIZON:] - logp[:-HORIZON], np.zeros(HORIZON)])
    return np.nan_to_num(feats).astype(np.float32), (fwd * 1e3).astype(np.float32)


class WindowDataset(Dataset):
    def __init__(self, streams):
        self.items = []
        for (tk, vn), (feats, fwd) in streams.items():
            win = np.lib.stride_tricks.sliding_window_view(feats, WINDOW, axis=0)
            for i in range(0, len(win) - HORIZON, 3):
                self.items.append((win[i].T, TICKERS.index(tk), VENUES.index(vn), fwd[i + WINDOW - 1]))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        x, t, v, y = self.items[idx]
        return {"x": torch.from_numpy(np.ascontiguousarray(x)), "ticker": torch.tensor(t),
                "venue": torch.tensor(v), "y": torch.tensor(y)}


streams = {}
for tk in TICKERS[:5]:
    for vn in rng.choice(VENUES, size=2, replace=False):
        streams[(tk, str(vn))] = build_features(*simulate_bars(N_BARS))
ds = WindowDataset(streams)
print(f"{len(ds)} windows, features={FEATURE_NAMES}")


# In[3]: model
class AlphaNet(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.ticker_emb = nn.Embedding(cfg.n_tickers, cfg.d_ticker)
        self.venue_emb = nn.Embedding(cfg.n_venues, cfg.d_venue)
        self.step_proj = nn.Linear(cfg.n_numeric, cfg.d_hidden)
        self.head = nn.Sequential(
            nn.Linear(cfg.d_hidden + cfg.d_ticker + cfg.d_venue, cfg.d_hidden),
            nn.GELU(), nn.Dropout(cfg.dropout), nn.Linear(cfg.d_hidden, 1))

    def forward(self, x, ticker, venue):
        h = F.gelu(self.step_proj(x))
        pooled = 0.7 * h[:, -1] + 0.3 * h.mean(dim=1)
        z = torch.cat([pooled, self.ticker_emb(ticker), self.venue_emb(venue)], dim=-1)
        return self.head(z).squeeze(-1)


# In[4]: trainer
class PrintLoss:
    def on_step_end(self, trainer, step, loss):
        if step % trainer.cfg.log_every == 0:
            print(f"  step {step:4d}  loss {loss:.4f}")

    def on_epoch_end(self, trainer, epoch, metrics):
        print(f"epoch {epoch}: {metrics}")


class Trainer:
    def __init__(self, model, cfg, opt_factory, loss_fn, callbacks=()):
        self.model, self.cfg, self.loss_fn = model, cfg, loss_fn
        self.opt = opt_factory(model.parameters())
        self.callbacks = list(callbacks)

    def _emit(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook, lambda *a: None)(self, *args)

    def fit(self, loader):
        step = 0
        for epoch in range(self.cfg.epochs):
            self.model.train()
            losses = []
            for batch in loader:
                pred = self.model(batch["x"], batch["ticker"], batch["venue"])
                loss = self.loss_fn(pred, batch["y"])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                losses.append(loss.item())
                self._emit("on_step_end", step, loss.item())
                step += 1
            self._emit("on_epoch_end", epoch, {"huber": float(np.mean(losses))})


mcfg, tcfg = ModelConfig(), TrainConfig()
opt_factory = partial(torch.optim.AdamW, lr=tcfg.lr, weight_decay=tcfg.weight_decay)
loss_fn = partial(F.huber_loss, delta=1.0)
loader = DataLoader(ds, batch_size=tcfg.batch_size, shuffle=True, drop_last=True)

trainer = Trainer(AlphaNet(mcfg), tcfg, opt_factory, loss_fn, callbacks=[PrintLoss()])
trainer.fit(loader)
