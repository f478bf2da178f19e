"""Predict 850 hPa temperature from the other pressure levels of a reanalysis cube.

The synthetic cube is (time, level, lat, lon); a DataLoader serves sliding
windows of `--history` steps of all non-target levels, and a small CNN predicts
the target level at the last step.
"""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


ARGV = [
    "--levels", "1000", "925", "850", "700", "500",
    "--target-level", "850",
    "--history", "3",
    "--epochs", "2",
]


def parse_config(argv):
    ap = argparse.ArgumentParser(description="level-infilling CNN")
    ap.add_argument("--levels", type=int, nargs="+", default=[1000, 850, 500])
    ap.add_argument("--target-level", type=int, default=850)
    ap.add_argument("--history", type=int, default=2)
    ap.add_argument("--n-time", type=int, default=120)
    ap.add_argument("--grid", type=int, nargs=2, default=[20, 28])
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=8)
    return ap.parse_args(argv)


def standard_atmosphere_t(p_hpa):
    z = 44330.0 * (1.0 - (np.asarray(p_hpa, dtype=float) / 1013.25) ** 0.1903)
    return 288.15 - 0.0065 * z


def synthetic_cube(levels_hpa, n_time, nlat, nlon, seed=0):
    rng = np.random.default_rng(seed)
    t_ref = standard_atmosphere_t(levels_hpa)
    lat = np.linspace(30, 70, nlat)
    merid = -0.6 * (lat - 50.0)
    wave = np.sin(np.linspace(0, 4 * np.pi, nlon))
    phase = np.cumsum(rng.normal(0, 0.2, n_time))
    anom = 3.0 * np.sin(phase[:, None, None] + wave[None, None, :]) + merid[None, :, None]
    cube = t_ref[None, :, None, None] + anom[:, None] * np.linspace(1.0, 0.6, len(t_ref))[None, :, None, None]
    cube += rng.normal(0, 0.5, cube.shape)
    return cube.astype(np.float32)


class LevelWindows(Dataset):
    def __init__(self, cube, target_idx, history):
        mu = cube.mean(axis=(0, 2, 3), keepdims=True)
        sd = cube.std(axis=(0, 2, 3), keepdims=True)
        z = (cube - mu) / sd
        keep = [k for k in range(cube.shape[1]) if k != target_idx]
        self.inputs = z[:, keep]
        self.target = z[:, target_idx]
        self.history = history

    def __len__(self):
        return self.inputs.shape[0] - self.history + 1

    def __getitem__(self, i):
        window = self.inputs[i:i + self.history]
        return {
            "x": torch.from_numpy(window.reshape(-1, *window.shape[-2:])),
            "y": torch.from_numpy(self.target[i + self.history - 1][None]),
        }


def make_model(in_ch, width=16):
    return nn.Sequential(
        nn.Conv2d(in_ch, width, 3, padding=1), nn.ReLU(),
        nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
        nn.Conv2d(width, 1, 1),
    )


def run_epoch(model, loader, opt=None):
    total, n = 0.0, 0
    for batch in loader:
        pred = model(batch["x"])
        loss = nn.functional.mse_loss(pred, batch["y"])
        if opt is not None:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total += loss.item() * len(pred)
        n += len(pred)
    return total / n


def main():
    cfg = parse_config(ARGV)
    torch.manual_seed(0)
    nlat, nlon = cfg.grid
    cube = synthetic_cube([float(p) for p in cfg.levels], cfg.n_time, nlat, nlon)
    print("cube", cube.shape, "levels", cfg.levels)

    target_idx = cfg.levels.index(cfg.target_level)
    ds = LevelWindows(cube, target_idx, cfg.history)
    n_train = int(0.75 * len(ds))
    train_ds = torch.utils.data.Subset(ds, range(n_train))
    val_ds = torch.utils.data.Subset(ds, range(n_train, len(ds)))
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = make_model(in_ch=(len(cfg.levels) - 1) * cfg.history)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(cfg.epochs):
        tr = run_epoch(model, train_dl, opt)
        with torch.no_grad():
            va = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train {tr:.4f} val {va:.4f} (T{cfg.target_level}, standardised)")


if __name__ == "__main__":
    main()
