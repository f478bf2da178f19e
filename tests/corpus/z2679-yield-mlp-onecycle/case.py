"""County-level winter wheat yield regression from in-season NDVI composites, soil and weather covariates.

Quick MLP / residual-MLP sweep with a one-cycle schedule.
"""
import csv
import functools
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
FEATURES = ["ndvi_apr", "ndvi_may", "ndvi_jun", "gdd", "precip_mm", "soil_om", "soil_ph", "clay_frac", "n_rate"]


@dataclass
class Run:
    arch: str = "resmlp"
    epochs: int = 4
    batch_size: int = 64
    max_lr: float = 5e-3
    val_frac: float = 0.2
    seed: int = 21


def write_synthetic_csv(path, n=1000, seed=21):
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["plot_id"] + FEATURES + ["yield_t_ha"])
        for i in range(n):
            ndvi = np.clip(rng.normal([0.45, 0.7, 0.65], 0.08), 0.05, 0.95)
            gdd, precip = rng.normal(1450, 120), rng.gamma(6, 40)
            om, ph, clay, nrate = rng.uniform(1, 5), rng.normal(6.5, 0.5), rng.uniform(0.1, 0.45), rng.choice([0, 60, 120, 180])
            y = 2.0 + 6 * ndvi[1] + 2 * ndvi[2] + 0.002 * (gdd - 1450) + 0.004 * precip + 0.3 * om \
                - 0.4 * abs(ph - 6.5) + 0.01 * nrate + rng.normal(0, 0.4)
            w.writerow([f"P{i:05d}", *np.round(ndvi, 4), round(gdd, 1), round(precip, 1),
                        round(om, 2), round(ph, 2), round(clay, 3), nrate, round(y, 3)])


def load_csv(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    x = np.array([[float(r[f]) for f in FEATURES] for r in rows], dtype=np.float32)
    y = np.array([float(r["yield_t_ha"]) for r in rows], dtype=np.float32)
    return x, y


class ResBlock(nn.Module):
    def __init__(self, dim, p=0.1):
        super().__init__()
        self.f = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, dim), nn.SiLU(), nn.Dropout(p), nn.Linear(dim, dim))

    def forward(self, x):
        return x + self.f(x)


def mlp(n_in, width=64):
    return nn.Sequential(nn.Linear(n_in, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 1))


def resmlp(n_in, width=64, depth=3):
    return nn.Sequential(nn.Linear(n_in, width), *[ResBlock(width) for _ in range(depth)], nn.LayerNorm(width), nn.Linear(width, 1))


REGISTRY = {
    "mlp": functools.partial(mlp, width=96),
    "resmlp": functools.partial(resmlp, width=64, depth=2),
}


def split(x, y, frac, seed):
    idx = np.random.default_rng(seed).permutation(len(x))
    n_val = int(len(x) * frac)
    return (x[idx[n_val:]], y[idx[n_val:]]), (x[idx[:n_val]], y[idx[:n_val]])


def train_epoch(model, loader, opt, sched, loss_fn):
    model.train()
    total = 0.0
    for xb, yb in loader:
        loss = loss_fn(model(xb).squeeze(-1), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        total += loss.item() * len(xb)
    return total / len(loader.dataset)


@torch.no_grad()
def rmse(model, x, y):
    model.eval()
    return torch.sqrt(torch.mean((model(x).squeeze(-1) - y) ** 2)).item()


def main(run):
    torch.manual_seed(run.seed)
    csv_path = os.path.join(HERE, "plots.csv")
    write_synthetic_csv(csv_path, seed=run.seed)
    x, y = load_csv(csv_path)
    (x_tr, y_tr), (x_va, y_va) = split(x, y, run.val_frac, run.seed)

    mu, sd = x_tr.mean(0), x_tr.std(0) + 1e-6
    scale = lambda a: torch.from_numpy((a - mu) / sd)
    train_dl = DataLoader(TensorDataset(scale(x_tr), torch.from_numpy(y_tr)), batch_size=run.batch_size, shuffle=True)

    model = REGISTRY[run.arch](len(FEATURES))
    opt = torch.optim.AdamW(model.parameters(), lr=run.max_lr / 25, weight_decay=1e-3)
    steps_per_epoch = len(x_tr) // run.batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=run.max_lr, total_steps=run.epochs * steps_per_epoch)
    loss_fn = nn.HuberLoss(delta=1.0)

    for ep in range(run.epochs):
        tr_loss = train_epoch(model, train_dl, opt, sched, loss_fn)
        print(f"[{run.arch}] epoch {ep} huber={tr_loss:.4f} val_rmse={rmse(model, scale(x_va), torch.from_numpy(y_va)):.3f} t/ha")


if __name__ == "__main__":
    main(Run())
