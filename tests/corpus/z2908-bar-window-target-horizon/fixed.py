#!/usr/bin/env python
# coding: utf-8
# Exported from notebooks/bar_forecaster_v3.ipynb

import math
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(7)
rng = np.random.default_rng(7)

# In[1]: synthetic 5-min bars for a small universe
TICKERS = ["AAPL", "MSFT", "NVDA", "AMZN", "META", "GOOG"]
N_BARS = 600
N_FEAT = 4  # log-ret, hl-range, log-volume, vwap-gap

drift = rng.normal(0.0, 2e-4, size=(len(TICKERS), 1))
log_ret = drift + rng.standard_t(df=4, size=(len(TICKERS), N_BARS)) * 1e-3
close = 100.0 * np.exp(np.cumsum(log_ret, axis=1))
hl_range = np.abs(rng.normal(0, 1.5e-3, size=close.shape))
volume = rng.lognormal(mean=10.0, sigma=0.6, size=close.shape)
vwap_gap = rng.normal(0, 5e-4, size=close.shape)

bars = np.stack([log_ret, hl_range, np.log(volume), vwap_gap], axis=-1).astype(np.float32)
mu = bars.mean(axis=1, keepdims=True)
sd = bars.std(axis=1, keepdims=True) + 1e-8
bars_z = (bars - mu) / sd
print("bars", bars_z.shape)


# In[2]: windowed dataset
class BarWindows(Dataset):
    def __init__(self, feats, fwd_ret, lookback, horizon):
        self.feats = torch.from_numpy(feats)            # (T, N_BARS, F)
        self.fwd_ret = torch.from_numpy(fwd_ret)        # (T, N_BARS)
        self.lookback = lookback
        self.horizon = horizon
        n_bars = self.feats.shape[1]
        self.n_samples = n_bars - lookback - horizon + 1
        self.n_tickers = self.feats.shape[0]

    def __len__(self):
        return self.n_tickers * self.n_samples

    def __getitem__(self, idx):
        tk, t = divmod(idx, self.n_samples)
        x = self.feats[tk, t:t + self.lookback]
        y = self.fwd_ret[tk, t + self.lookback + self.horizon - 1]
        return {"x": x, "ticker": torch.tensor(tk), "y": y * 1e3}


@dataclass
class Cfg:
    lookback: int = 32
    horizon: int = 3
    d_model: int = 32
    tk_dim: int = 8
    batch_size: int = 128
    epochs: int = 2
    lr: float = 2e-3
    callbacks: list = field(default_factory=list)


cfg = Cfg()
ds = BarWindows(bars_z, log_ret.astype(np.float32), cfg.lookback, cfg.horizon)
print("samples", len(ds))


# In[3]: model
class GRUForecaster(nn.Module):
    def __init__(self, n_feat, n_tickers, d_model, tk_dim):
        super().__init__()
        self.tk_emb = nn.Embedding(n_tickers, tk_dim)
        self.gru = nn.GRU(n_feat + tk_dim, d_model, batch_first=True)
        self.head = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, 1))

    def forward(self, x, ticker):
        e = self.tk_emb(ticker).unsqueeze(1).expand(-1, x.shape[1], -1)
        out, _ = self.gru(torch.cat([x, e], dim=-1))
        return self.head(out[:, -1]).squeeze(-1)


# In[4]: trainer with callbacks
class PrintLoss:
    def __init__(self, every=10):
        self.every = every

    def on_step(self, trainer, step, loss):
        if step % self.every == 0:
            print(f"  step {step:4d}  loss {loss:.4f}")

    def on_epoch_end(self, trainer, epoch, stats):
        print(f"epoch {epoch}  mse {stats['mse']:.4f}  ic {stats['ic']:+.3f}")


class Trainer:
    def __init__(self, model, cfg, loss_fn):
        self.model = model
        self.cfg = cfg
        self.loss_fn = loss_fn
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
        self.callbacks = list(cfg.callbacks)

    def _emit(self, hook, *args):
        for cb in self.callbacks:
            fn = getattr(cb, hook, None)
            if fn is not None:
                fn(self, *args)

    def fit(self, loader):
        step = 0
        for epoch in range(self.cfg.epochs):
            self.model.train()
            preds, targets = [], []
            for batch in loader:
                pred = self.model(batch["x"], batch["ticker"])
                loss = self.loss_fn(pred, batch["y"])
                self.opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                self.opt.step()
                preds.append(pred.detach())
                targets.append(batch["y"])
                self._emit("on_step", step, loss.item())
                step += 1
            p, y = torch.cat(preds), torch.cat(targets)
            ic = torch.corrcoef(torch.stack([p, y]))[0, 1].item()
            self._emit("on_epoch_end", epoch, {"mse": self.loss_fn(p, y).item(), "ic": ic})


huber = partial(nn.functional.huber_loss, delta=1.0)
cfg.callbacks.append(PrintLoss(every=20))
model = GRUForecaster(N_FEAT, len(TICKERS), cfg.d_model, cfg.tk_dim)
loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True,
                    generator=torch.Generator().manual_seed(0))
trainer = Trainer(model, cfg, huber)
trainer.fit(loader)
print("params", sum(p.numel() for p in model.parameters()))
