"""Crop-type mapping from a season of Sentinel-2 vegetation-index time series.

Pixels are sampled from a 5-day composite stack (DOY 90 -> 270). A GRU cell is
unrolled over the acquisitions with a learned per-date encoding; the last hidden
state goes to a crop-type classifier.
"""
import math
from functools import partial

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
RNG = np.random.default_rng(11)

SEASON_START, SEASON_END, REVISIT = 90, 270, 5
INDICES = ("ndvi", "ndwi", "ndre", "evi")
CROPS = ("maize", "soy", "winter_wheat", "sugar_beet", "fallow")

HP = dict(arch="gru_doy", hidden=48, lr=1e-2, epochs=3, batch=64, n_pixels=600, clip=1.0)


def phenology_curve(doy, peak, width, amp):
    return amp * np.exp(-0.5 * ((doy - peak) / width) ** 2)


def simulate_stack(n_pixels):
    doys = np.arange(SEASON_START, SEASON_END, REVISIT)
    peaks = {"maize": 205, "soy": 215, "winter_wheat": 140, "sugar_beet": 225, "fallow": 170}
    X = np.empty((n_pixels, len(doys), len(INDICES)), dtype=np.float32)
    y = RNG.integers(len(CROPS), size=n_pixels)
    for i, c in enumerate(y):
        base = phenology_curve(doys, peaks[CROPS[c]] + RNG.normal(0, 6), 25 + RNG.normal(0, 3), 0.7)
        cloud = RNG.random(len(doys)) < 0.1
        for k in range(len(INDICES)):
            sig = 0.1 + base * (1.0 - 0.2 * k) + RNG.normal(0, 0.03, len(doys))
            sig[cloud] = np.nan
            X[i, :, k] = sig
    return doys, X, y


def gapfill(X):
    """Linear interpolation over cloudy dates, per pixel and index."""
    t = np.arange(X.shape[1])
    out = X.copy()
    for i in range(X.shape[0]):
        for k in range(X.shape[2]):
            s = out[i, :, k]
            ok = ~np.isnan(s)
            out[i, :, k] = np.interp(t, t[ok], s[ok])
    return out


class SeasonGRU(nn.Module):
    def __init__(self, n_feats, hidden, n_classes, n_steps):
        super().__init__()
        self.n_steps = n_steps
        self.inp = nn.Linear(n_feats, hidden)
        self.date_enc = nn.Parameter(torch.randn(n_steps, hidden) * 0.02)
        self.cell = nn.GRUCell(hidden, hidden)
        self.cls = nn.Linear(hidden, n_classes)

    def forward(self, x):
        h = x.new_zeros(x.size(0), self.cell.hidden_size)
        for t in range(self.n_steps):
            h = self.cell(self.inp(x[:, t]) + self.date_enc[t], h)
        return self.cls(h)


n_steps = (SEASON_END - SEASON_START) // REVISIT

ARCHS = {
    "gru_doy": partial(SeasonGRU, len(INDICES), n_classes=len(CROPS), n_steps=n_steps),
}


def minibatches(X, y, bs, shuffle=True):
    order = torch.randperm(len(X)) if shuffle else torch.arange(len(X))
    for s in range(0, len(X), bs):
        idx = order[s:s + bs]
        yield {"x": X[idx], "y": y[idx]}


def make_step(model, opt, clip):
    def step(batch):
        opt.zero_grad()
        logits = model(batch["x"])
        loss = F.cross_entropy(logits, batch["y"])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        return loss.item(), (logits.argmax(-1) == batch["y"]).float().mean().item()
    return step


def standardize(X):
    mu = X.mean(axis=(0, 1), keepdims=True)
    sd = X.std(axis=(0, 1), keepdims=True)
    return (X - mu) / sd


def main(hp):
    doys, X, y = simulate_stack(hp["n_pixels"])
    X = standardize(gapfill(X))
    print(f"stack: {X.shape[0]} pixels x {len(doys)} dates x {X.shape[2]} indices")
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y).long()

    model = ARCHS[hp["arch"]](hidden=hp["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=hp["lr"])
    step = make_step(model, opt, hp["clip"])

    for ep in range(hp["epochs"]):
        model.train()
        stats = [step(b) for b in minibatches(Xt, yt, hp["batch"])]
        loss, acc = map(np.mean, zip(*stats))
        print(f"epoch {ep}: loss {loss:.3f}  acc {acc:.3f}  (ln K = {math.log(len(CROPS)):.3f})")


if __name__ == "__main__":
    main(HP)
