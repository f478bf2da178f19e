"""Remaining-useful-life regression for the reciprocating compressor fleet.

Historian export: one row per duty cycle per compressor with six sensor tags.
Run-to-failure histories are cut into fixed windows; the model sees the
window of sensor readings plus a learned per-compressor offset.
"""
import csv
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(3)
rng = np.random.default_rng(3)

SENSOR_TAGS = ["disch_temp", "disch_press", "suct_press", "rod_load", "crank_vib", "motor_amp"]
N_COMPRESSORS = 5
WINDOW = 16
MAX_RUL = 120.0


def write_historian_export(path):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["unit", "cycle"] + SENSOR_TAGS + ["rul"])
        for unit in range(N_COMPRESSORS):
            life = int(rng.integers(90, 160))
            drift = rng.normal(1.0, 0.2, size=len(SENSOR_TAGS))
            for cycle in range(life):
                wear = cycle / life
                readings = drift * wear ** 2 + rng.normal(0, 0.05, size=len(SENSOR_TAGS))
                w.writerow([unit, cycle] + [f"{v:.4f}" for v in readings] + [life - cycle - 1])


def load_export(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    return torch.tensor(table, dtype=torch.float32)


def make_windows(table):
    unit_col = table[:, 0]
    sensors = table[:, 2:2 + len(SENSOR_TAGS)]
    rul = table[:, -1].clamp(max=MAX_RUL) / MAX_RUL

    seqs, units, targets = [], [], []
    for unit in unit_col.unique():
        rows = (unit_col == unit).nonzero(as_tuple=True)[0]
        for end in range(WINDOW, len(rows) + 1, 4):
            idx = rows[end - WINDOW:end]
            seqs.append(sensors[idx])
            units.append(unit_col[idx[-1]])
            targets.append(rul[idx[-1]])
    return torch.stack(seqs), torch.stack(units), torch.stack(targets)


class FleetRUL(nn.Module):
    def __init__(self, n_sensors, n_units, hidden=32, unit_dim=4):
        super().__init__()
        self.encoder = nn.GRU(n_sensors, hidden, batch_first=True)
        self.unit_offset = nn.Embedding(n_units, unit_dim)
        self.head = nn.Sequential(nn.Linear(hidden + unit_dim, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, window, unit):
        _, h_last = self.encoder(window)
        z = torch.cat([h_last[-1], self.unit_offset(unit)], dim=-1)
        return self.head(z).squeeze(-1)


def fit(model, loader, epochs=4):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    mse = nn.MSELoss()
    for ep in range(epochs):
        total, n = 0.0, 0
        for window, unit, target in loader:
            pred = model(window, unit)
            loss = mse(pred, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(target)
            n += len(target)
        print(f"epoch {ep}: mse {total / n:.5f}")


def rmse_cycles(model, windows, units, targets):
    model.eval()
    with torch.no_grad():
        pred = model(windows, units)
    return torch.sqrt(((pred - targets) * MAX_RUL).pow(2).mean()).item()


def main():
    tmp = tempfile.mkdtemp(prefix="rc_fleet_")
    export_path = os.path.join(tmp, "historian_export.csv")
    write_historian_export(export_path)

    table = load_export(export_path)
    windows, units, targets = make_windows(table)
    print(f"{len(windows)} windows of {WINDOW} cycles x {windows.shape[-1]} tags")

    mean = windows.mean(dim=(0, 1), keepdim=True)
    std = windows.std(dim=(0, 1), keepdim=True) + 1e-6
    windows = (windows - mean) / std

    perm = torch.randperm(len(windows))
    cut = int(0.8 * len(windows))
    tr, va = perm[:cut], perm[cut:]

    loader = DataLoader(TensorDataset(windows[tr], units[tr], targets[tr]), batch_size=32, shuffle=True)
    model = FleetRUL(len(SENSOR_TAGS), N_COMPRESSORS)
    fit(model, loader)
    print(f"validation RMSE: {rmse_cycles(model, windows[va], units[va], targets[va]):.1f} cycles")


if __name__ == "__main__":
    main()
