#!/usr/bin/env python
# coding: utf-8
# tick_flow_model.ipynb -> py
# Predict sign of next 50-tick mid move from recent prints, with a venue embedding.

from functools import partial

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from numpy.lib.stride_tricks import sliding_window_view
from torch.utils.data import DataLoader, TensorDataset

SEED = 11
np.random.seed(SEED)
torch.manual_seed(SEED)

VENUES = ["XNAS", "ARCX", "BATS", "EDGX", "IEXG", "XNYS", "MEMX"]
N_TICKS = 6000
WIN = 64
FWD = 50


def simulate_ticks(n):
    venue = np.random.choice(len(VENUES), size=n, p=[.25, .15, .15, .1, .05, .2, .1])
    ts_us = np.cumsum(np.random.exponential(800.0, size=n))
    mid = 50.0 + np.cumsum(np.random.normal(0, 0.004, size=n))
    side = np.random.choice([-1.0, 1.0], size=n)
    px = mid + side * 0.005
    qty = np.random.geometric(0.02, size=n) * 100.0
    return np.column_stack([ts_us, venue, px, qty, side, mid])


raw = simulate_ticks(N_TICKS)
COLS = {"ts": 0, "venue": 1, "px": 2, "qty": 3, "side": 4, "mid": 5}


def tick_features(raw):
    dt = np.diff(raw[:, COLS["ts"]], prepend=raw[0, COLS["ts"]])
    signed_vol = raw[:, COLS["side"]] * np.log1p(raw[:, COLS["qty"]])
    dmid = np.diff(raw[:, COLS["mid"]], prepend=raw[0, COLS["mid"]]) * 1e2
    feats = np.column_stack([np.log1p(dt), signed_vol, dmid])
    return (feats - feats.mean(0)) / (feats.std(0) + 1e-9)


num_feats = tick_features(raw)
venue_col = raw[:, COLS["venue"]].astype(np.int64)

fwd_move = raw[FWD:, COLS["mid"]] - raw[:-FWD, COLS["mid"]]
label = (fwd_move > 0).astype(np.int64)

# rolling windows: (n_win, WIN, ...)
n_win = len(label) - WIN + 1
X_num = sliding_window_view(num_feats, WIN, axis=0)[:n_win].transpose(0, 2, 1)
X_ven = sliding_window_view(venue_col, WIN, axis=0)[:n_win]
y = label[WIN - 1:WIN - 1 + n_win]
print(X_num.shape, X_ven.shape, y.shape)

split = int(0.8 * n_win)
to_t = partial(torch.as_tensor)
train_ds = TensorDataset(to_t(X_num[:split], dtype=torch.float32), to_t(X_ven[:split]), to_t(y[:split]))
valid_ds = TensorDataset(to_t(X_num[split:], dtype=torch.float32), to_t(X_ven[split:]), to_t(y[split:]))


class TickConvNet(nn.Module):
    def __init__(self, n_num, n_venues, ven_dim=6, hidden=32):
        super().__init__()
        self.venue_emb = nn.Embedding(n_venues, ven_dim)
        self.conv = nn.Sequential(
            nn.Conv1d(n_num + ven_dim, hidden, kernel_size=5, padding=2),
            nn.GELU(),
            nn.Conv1d(hidden, hidden, kernel_size=5, padding=2, dilation=1),
            nn.GELU(),
        )
        self.out = nn.Linear(hidden, 2)

    def forward(self, x_num, x_ven):
        v = self.venue_emb(x_ven)
        h = torch.cat([x_num, v], dim=-1).transpose(1, 2)
        h = self.conv(h).mean(dim=-1)
        return self.out(h)


class HitRate:
    def on_epoch_end(self, state):
        print(f"[{state['epoch']}] train_loss={state['train_loss']:.4f} val_hit={state['val_hit']:.3f}")


class BestCheckpoint:
    def __init__(self):
        self.best, self.state = -1.0, None

    def on_epoch_end(self, state):
        if state["val_hit"] > self.best:
            self.best = state["val_hit"]
            self.state = {k: v.clone() for k, v in state["model"].state_dict().items()}


class Trainer:
    def __init__(self, model, optim_factory, callbacks=(), epochs=3):
        self.model = model
        self.opt = optim_factory(model.parameters())
        self.callbacks = list(callbacks)
        self.epochs = epochs

    def run_epoch(self, loader, train=True):
        self.model.train(train)
        tot, hits, n = 0.0, 0, 0
        with torch.set_grad_enabled(train):
            for xn, xv, yb in loader:
                logits = self.model(xn, xv)
                loss = F.cross_entropy(logits, yb)
                if train:
                    self.opt.zero_grad()
                    loss.backward()
                    self.opt.step()
                tot += loss.item() * len(yb)
                hits += (logits.argmax(-1) == yb).sum().item()
                n += len(yb)
        return tot / n, hits / n

    def fit(self, train_dl, valid_dl):
        for ep in range(self.epochs):
            tr_loss, _ = self.run_epoch(train_dl, True)
            _, val_hit = self.run_epoch(valid_dl, False)
            state = {"epoch": ep, "train_loss": tr_loss, "val_hit": val_hit, "model": self.model}
            for cb in self.callbacks:
                cb.on_epoch_end(state)


make_opt = partial(torch.optim.Adam, lr=1e-3, betas=(0.9, 0.98))
ckpt = BestCheckpoint()
model = TickConvNet(num_feats.shape[1], len(VENUES))
trainer = Trainer(model, make_opt, callbacks=[HitRate(), ckpt], epochs=3)
trainer.fit(DataLoader(train_ds, batch_size=256, shuffle=True),
            DataLoader(valid_ds, batch_size=512))
print("best val hit rate:", round(ckpt.best, 4))
