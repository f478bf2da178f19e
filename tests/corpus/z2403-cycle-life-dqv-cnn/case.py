"""Early cycle-life prediction from discharge curves (Severson-style).

For every cell, take Q(V) at cycle 100 minus Q(V) at cycle 10 on a common
voltage grid and regress log10(cycle life) with a small 1-D CNN.
Cell data are written to cells.npz on first run.
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "seed": 21,
    "n_cells": 96,
    "v_min": 2.0,
    "v_max": 3.6,
    "grid_points": 64,
    "raw_points": 1000,
    "channels": [1, 16, 32, 64],
    "kernel": 9,
    "pool": 3,
    "lr": 1e-3,
    "epochs": 30,
    "batch_size": 16,
    "val_frac": 0.25,
}
HERE = os.path.dirname(os.path.abspath(__file__))
DATA_PATH = os.path.join(HERE, "cells.npz")


def discharge_curve(v, fade, lam):
    base = 1.1 * (1.0 / (1.0 + np.exp(-(v - 3.25) / 0.045)))
    base += 0.35 * (v - CFG["v_min"]) / (CFG["v_max"] - CFG["v_min"])
    return base * (1.0 - fade) - lam * np.exp(-((v - 3.3) / 0.08) ** 2)


def simulate_cells(rng):
    v_raw = np.linspace(CFG["v_min"], CFG["v_max"], CFG["raw_points"])
    curves10, curves100, life = [], [], []
    for _ in range(CFG["n_cells"]):
        degr_rate = rng.lognormal(mean=-5.0, sigma=0.45)
        lli = rng.uniform(0.0, 0.03)
        q10 = discharge_curve(v_raw, 0.5 * degr_rate, 0.0)
        q100 = discharge_curve(v_raw, 5.0 * degr_rate, lli)
        noise = 2e-4 * rng.standard_normal((2, v_raw.size))
        curves10.append(q10 + noise[0])
        curves100.append(q100 + noise[1])
        life.append(np.clip(6.0 / (degr_rate + lli / 10), 150, 2500))
    np.savez(DATA_PATH, v=v_raw, q10=np.array(curves10), q100=np.array(curves100), life=np.array(life))


def load_delta_q():
    if not os.path.exists(DATA_PATH):
        simulate_cells(np.random.default_rng(CFG["seed"]))
    d = np.load(DATA_PATH)
    grid = np.linspace(CFG["v_min"], CFG["v_max"], CFG["grid_points"])
    dq = np.stack([np.interp(grid, d["v"], a - b) for a, b in zip(d["q100"], d["q10"])])
    dq = (dq - dq.mean()) / (dq.std() + 1e-8)
    y = np.log10(d["life"])
    return torch.tensor(dq, dtype=torch.float32).unsqueeze(1), torch.tensor(y, dtype=torch.float32)


def conv_block(c_in, c_out):
    return nn.Sequential(
        nn.Conv1d(c_in, c_out, kernel_size=CFG["kernel"]),
        nn.BatchNorm1d(c_out),
        nn.ReLU(),
        nn.MaxPool1d(CFG["pool"]),
    )


def build_model():
    ch = CFG["channels"]
    blocks = [conv_block(a, b) for a, b in zip(ch[:-1], ch[1:])]
    return nn.Sequential(*blocks, nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(ch[-1], 1))


def split(x, y, rng):
    idx = rng.permutation(len(y))
    n_val = int(CFG["val_frac"] * len(y))
    return (x[idx[n_val:]], y[idx[n_val:]]), (x[idx[:n_val]], y[idx[:n_val]])


def rmse_cycles(pred_log, true_log):
    return torch.sqrt(torch.mean((10 ** pred_log - 10 ** true_log) ** 2)).item()


def run():
    torch.manual_seed(CFG["seed"])
    rng = np.random.default_rng(CFG["seed"])
    x, y = load_delta_q()
    (x_tr, y_tr), (x_va, y_va) = split(x, y, rng)
    y_mu = y_tr.mean()
    print(f"dQ(V) tensor {tuple(x.shape)}, life range {10 ** y.min():.0f}-{10 ** y.max():.0f} cycles")

    model = build_model()
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"], weight_decay=1e-4)
    for epoch in range(CFG["epochs"]):
        model.train()
        perm = torch.randperm(len(y_tr))
        for i in range(0, len(perm), CFG["batch_size"]):
            b = perm[i:i + CFG["batch_size"]]
            pred = model(x_tr[b]).squeeze(-1) + y_mu
            loss = F.mse_loss(pred, y_tr[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 10 == 9:
            model.eval()
            with torch.no_grad():
                p = model(x_va).squeeze(-1) + y_mu
            print(f"epoch {epoch + 1}: val RMSE {rmse_cycles(p, y_va):.0f} cycles")


if __name__ == "__main__":
    run()
