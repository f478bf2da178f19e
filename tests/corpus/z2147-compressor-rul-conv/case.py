"""Remaining-useful-life regression for reciprocating compressors.

Inputs are 10-minute snapshots of 6 process channels (suction/discharge pressure,
discharge temperature, motor current, rod-drop, valve-cover vibration) sampled once a
second; the target is the remaining hours until the next unplanned stop.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(5)
rng = np.random.default_rng(5)

CHANNELS = ["p_suction", "p_discharge", "t_discharge", "motor_amps", "rod_drop", "valve_vib"]
SNAPSHOT_S = 600
MAX_RUL_H = 500.0


def write_fake_historian(folder, n_snapshots=64):
    """Dump snapshots the way the historian export does: one .npz per compressor."""
    paths = []
    for unit in ("K-101", "K-102", "K-205"):
        rul_h = rng.uniform(5, MAX_RUL_H, size=n_snapshots).astype(np.float32)
        age = 1.0 - rul_h / MAX_RUL_H
        base = rng.normal(size=(n_snapshots, SNAPSHOT_S, len(CHANNELS))).astype(np.float32) * 0.3
        base[:, :, 4] += age[:, None] * 2.0     # rod drop grows with wear
        base[:, :, 5] += age[:, None] * 1.2
        path = os.path.join(folder, f"{unit}.npz")
        np.savez(path, readings=base, rul_h=rul_h)
        paths.append(path)
    return paths


def load_fleet(paths):
    xs, ys = [], []
    for p in paths:
        blob = np.load(p)
        xs.append(torch.from_numpy(blob["readings"]))      # (snapshots, time, channels)
        ys.append(torch.from_numpy(blob["rul_h"]) / MAX_RUL_H)
    return torch.cat(xs), torch.cat(ys)


class SnapshotEncoder(nn.Module):
    def __init__(self, n_channels, seq_len, width=16):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(n_channels, width, kernel_size=7, padding=3),
            nn.GELU(),
            nn.MaxPool1d(10),
            nn.Conv1d(width, width, kernel_size=5, padding=2),
            nn.GELU(),
            nn.MaxPool1d(10),
        )
        self.n_steps = seq_len // 100
        self.regressor = nn.Sequential(
            nn.Linear(self.n_steps * width, 64),
            nn.GELU(),
            nn.Linear(64, 1),
        )

    def forward(self, snap):
        # snap: (batch, time, channels) -> conv wants (batch, channels, time)
        fmap = self.features(snap.transpose(1, 2))
        per_step = fmap.transpose(1, 2)                    # (batch, steps, width)
        flat = per_step.view(snap.shape[0], -1)
        return self.regressor(flat).squeeze(-1)


def main():
    folder = tempfile.mkdtemp(prefix="k_hist_")
    snaps, rul = load_fleet(write_fake_historian(folder))
    mu = snaps.mean(dim=(0, 1), keepdim=True)
    sd = snaps.std(dim=(0, 1), keepdim=True)
    snaps = (snaps - mu) / sd

    n_train = int(0.8 * len(snaps))
    perm = torch.randperm(len(snaps))
    tr, va = perm[:n_train], perm[n_train:]
    train_dl = DataLoader(TensorDataset(snaps[tr], rul[tr]), batch_size=32, shuffle=True)

    net = SnapshotEncoder(len(CHANNELS), SNAPSHOT_S)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.SmoothL1Loss()

    for epoch in range(5):
        net.train()
        for xb, yb in train_dl:
            pred = net(xb)
            loss = loss_fn(pred, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            va_err = (net(snaps[va]) - rul[va]).abs().mean().item() * MAX_RUL_H
        print(f"epoch {epoch + 1}: val MAE {va_err:.1f} h")


if __name__ == "__main__":
    main()
