"""Reservoir inflow forecast (next 5 days, daily) for the hydro dispatch desk.

Encoder GRU over 60 days of observed inflow + precipitation + air temperature.
Decoder GRUCell rolls out day by day, fed with the met-office precipitation and
temperature forecasts and its own previous inflow estimate (scheduled sampling
during training so train and dispatch-time behaviour match).
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(21)
random.seed(21)
rng = np.random.default_rng(21)

LOOKBACK_D = 60
HORIZON_D = 5
N_YEARS = 6


def synth_catchment(n_days):
    doy = np.arange(n_days) % 365
    temp = 6 - 11 * np.cos(2 * np.pi * (doy - 15) / 365) + rng.normal(0, 2.5, n_days)
    precip = rng.gamma(0.6, 5.0, n_days) * (rng.random(n_days) < 0.45)
    snow, inflow = 0.0, np.zeros(n_days)
    base = 35.0
    for d in range(n_days):
        melt = min(snow, max(temp[d], 0.0) * 3.0)
        snow += precip[d] if temp[d] < 0 else 0.0
        snow -= melt
        rain = precip[d] if temp[d] >= 0 else 0.0
        base = 0.93 * base + 0.07 * 35.0 + 1.6 * rain + 2.2 * melt
        inflow[d] = base + rng.normal(0, 1.5)
    return np.stack([inflow, precip, temp], axis=1).astype(np.float32)


def windows(series, lookback, horizon):
    past, exo_fc, target = [], [], []
    for s in range(0, len(series) - lookback - horizon + 1, 2):
        e = s + lookback
        past.append(series[s:e])
        exo_fc.append(series[e:e + horizon, 1:])
        target.append(series[e:e + horizon, 0])
    return torch.tensor(np.array(past)), torch.tensor(np.array(exo_fc)), torch.tensor(np.array(target))


class InflowSeq2Seq(nn.Module):
    def __init__(self, n_feats, n_exo, hidden=40):
        super().__init__()
        self.encoder = nn.GRU(n_feats, hidden, batch_first=True)
        self.cell = nn.GRUCell(1 + n_exo, hidden)
        self.readout = nn.Linear(hidden, 1)

    def forward(self, past, exo_fc, target=None, tf_ratio=0.0):
        _, h = self.encoder(past)
        h = h[-1]
        horizon = exo_fc.size(1)
        prev_inflow = past[:, -1, 0]
        outputs = []
        for t in range(horizon):
            h = self.cell(torch.cat([prev_inflow.unsqueeze(-1), exo_fc[:, t]], dim=-1), h)
            step_pred = self.readout(h).squeeze(-1)
            outputs.append(step_pred)
            if t + 1 < horizon:
                use_truth = target is not None and random.random() < tf_ratio
                prev_inflow = target[:, t] if use_truth else step_pred
        return torch.stack(outputs, dim=1)


def train(model, past, exo_fc, target, epochs=6, batch=64):
    opt = torch.optim.Adam(model.parameters(), lr=4e-3)
    n = len(target)
    for ep in range(epochs):
        tf_ratio = max(0.0, 1.0 - ep / (epochs - 1))
        perm = torch.randperm(n)
        total = 0.0
        for b in range(0, n, batch):
            idx = perm[b:b + batch]
            pred = model(past[idx], exo_fc[idx], target[idx], tf_ratio=tf_ratio)
            loss = nn.functional.l1_loss(pred, target[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {ep} tf={tf_ratio:.2f} L1 {total / n:.4f}")


if __name__ == "__main__":
    series = synth_catchment(365 * N_YEARS)
    mu, sd = series.mean(0), series.std(0)
    scaled = (series - mu) / sd
    split = 365 * (N_YEARS - 1)
    tr = windows(scaled[:split], LOOKBACK_D, HORIZON_D)
    te = windows(scaled[split - LOOKBACK_D:], LOOKBACK_D, HORIZON_D)
    print(f"train windows {len(tr[2])}, test windows {len(te[2])}")

    model = InflowSeq2Seq(n_feats=series.shape[1], n_exo=series.shape[1] - 1)
    train(model, *tr)

    model.eval()
    with torch.no_grad():
        pred = model(te[0], te[1])
    err = (pred - te[2]).abs().mean(0) * sd[0]
    for d in range(HORIZON_D):
        print(f"day +{d + 1}: MAE {err[d]:.2f} m3/s")
    print(f"mean inflow {mu[0]:.1f} m3/s, rmse day+1 {math.sqrt(((pred[:, 0] - te[2][:, 0]) ** 2).mean()) * sd[0]:.2f}")
