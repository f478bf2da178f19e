#!/usr/bin/env python
# coding: utf-8
# regime_tagger.ipynb -> .py  (per-bar market regime labelling: calm / trend / stress)

import time
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

np.random.seed(11)
torch.manual_seed(11)

REGIMES = ("calm", "trend", "stress")
TICKERS = ("ES", "NQ", "CL", "GC", "ZN", "6E")
SEQ_LEN = 64
WARMUP = 10


@dataclass
class Hyper:
    d_tick: int = 6
    conv_ch: int = 24
    gru_hidden: int = 32
    batch_size: int = 32
    epochs: int = 3
    lr: float = 2e-3
    patience: int = 2


# ---------------------------------------------------------------- synthetic 5m bars
def simulate_regime_path(n, p_stay=0.97):
    trans = np.full((3, 3), (1 - p_stay) / 2)
    np.fill_diagonal(trans, p_stay)
    states = np.zeros(n, dtype=np.int64)
    for t in range(1, n):
        states[t] = np.random.choice(3, p=trans[states[t - 1]])
    drift = np.array([0.0, 4e-4, -2e-4])[states]
    vol = np.array([5e-4, 8e-4, 2.5e-3])[states]
    rets = drift + vol * np.random.randn(n)
    return rets, states


def bar_features(rets):
    w = np.lib.stride_tricks.sliding_window_view(np.pad(rets, (WARMUP - 1, 0)), WARMUP)
    rv = w.std(axis=1)
    mom = w.sum(axis=1)
    z = (rets - w.mean(axis=1)) / (rv + 1e-6)
    absr = np.abs(rets)
    return np.stack([rets * 1e3, rv * 1e3, mom * 1e3, np.clip(z, -5, 5), absr * 1e3], axis=1).astype(np.float32)


universe = {}
for k, tk in enumerate(TICKERS):
    r, s = simulate_regime_path(1500)
    s = s.copy()
    s[:WARMUP] = -100
    universe[k] = (bar_features(r), s)
N_FEAT = next(iter(universe.values()))[0].shape[1]


def batch_stream(data, hp, stride=16):
    keys = list(data)
    chunks = [(k, st) for k in keys for st in range(0, len(data[k][1]) - SEQ_LEN, stride)]
    order = np.random.permutation(len(chunks))
    for i in range(0, len(order) - hp.batch_size + 1, hp.batch_size):
        picked = [chunks[j] for j in order[i:i + hp.batch_size]]
        yield {
            "x": torch.from_numpy(np.stack([data[k][0][st:st + SEQ_LEN] for k, st in picked])),
            "ticker": torch.tensor([k for k, _ in picked]),
            "regime": torch.from_numpy(np.stack([data[k][1][st:st + SEQ_LEN] for k, st in picked])),
        }


# ---------------------------------------------------------------- model
class RegimeTagger(nn.Module):
    def __init__(self, n_feat, n_tickers, n_regimes, hp):
        super().__init__()
        self.tick = nn.Embedding(n_tickers, hp.d_tick)
        self.conv = nn.Conv1d(n_feat + hp.d_tick, hp.conv_ch, kernel_size=5, padding=2)
        self.gru = nn.GRU(hp.conv_ch, hp.gru_hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hp.gru_hidden, n_regimes)

    def forward(self, x, ticker):
        e = self.tick(ticker)[:, None, :].expand(-1, x.size(1), -1)
        h = torch.cat([x, e], dim=-1).transpose(1, 2)
        h = F.gelu(self.conv(h)).transpose(1, 2)
        h, _ = self.gru(h)
        return self.out(h)


# ---------------------------------------------------------------- trainer + callbacks
class EarlyStopping:
    def __init__(self, patience):
        self.patience, self.best, self.bad = patience, float("inf"), 0

    def __call__(self, trainer, epoch, logs):
        if logs["loss"] < self.best - 1e-4:
            self.best, self.bad = logs["loss"], 0
        else:
            self.bad += 1
            trainer.stop = self.bad >= self.patience


class Timer:
    def __call__(self, trainer, epoch, logs):
        print(f"[{epoch}] loss={logs['loss']:.4f} acc={logs['acc']:.3f} ({time.time() - trainer.t0:.1f}s)")


class TaggerTrainer:
    def __init__(self, model, hp, criterion, callbacks):
        self.model, self.hp, self.criterion = model, hp, criterion
        self.callbacks = callbacks
        self.opt = torch.optim.Adam(model.parameters(), lr=hp.lr)
        self.stop = False

    def compute_loss(self, batch):
        out = self.model(batch["x"], batch["ticker"])
        loss = self.criterion(out, batch["regime"])
        mask = batch["regime"] != -100
        acc = (out.argmax(-1) == batch["regime"])[mask].float().mean()
        return loss, acc

    def fit(self, data):
        self.t0 = time.time()
        for epoch in range(self.hp.epochs):
            tot, accs = [], []
            for batch in batch_stream(data, self.hp):
                loss, acc = self.compute_loss(batch)
                self.opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                self.opt.step()
                tot.append(loss.item())
                accs.append(acc.item())
            logs = {"loss": float(np.mean(tot)), "acc": float(np.mean(accs))}
            for cb in self.callbacks:
                cb(self, epoch, logs)
            if self.stop:
                break


hp = Hyper()
all_states = np.concatenate([s[s >= 0] for _, s in universe.values()])
freq = np.bincount(all_states, minlength=len(REGIMES)) / len(all_states)
regime_weights = torch.tensor(1.0 / (len(REGIMES) * freq), dtype=torch.float32)
print("regime freq:", {r: round(float(f), 3) for r, f in zip(REGIMES, freq)})

criterion = partial(F.cross_entropy, weight=regime_weights, ignore_index=-100)
model = RegimeTagger(N_FEAT, len(TICKERS), len(REGIMES), hp)
trainer = TaggerTrainer(model, hp, criterion, callbacks=[Timer(), EarlyStopping(hp.patience)])
trainer.fit(universe)
