"""Reservoir inflow nowcasting from SCADA telemetry exports.

The utility's SCADA historian exports 15-minute telemetry (reservoir level,
upstream rain gauge, inflow flume reading, outlet valve opening) to CSV.
Telemetry drops out now and then, leaving empty cells. A small LSTM
predicts inflow one hour ahead from the previous 8 hours.
"""
import csv
import math
import os
from typing import Callable, Dict, List, NamedTuple

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT_PATH = os.path.join(HERE, "scada_export_res04.csv")
STEPS_PER_HOUR = 4


class Telemetry(NamedTuple):
    step: int
    level_m: float
    rain_mm: float
    inflow_cms: float
    valve_pct: float


def write_fake_export(path: str, n_steps: int = 2400, seed: int = 13) -> None:
    rng = np.random.default_rng(seed)
    level, inflow = 42.0, 3.0
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["step", "RES04_LEVEL_M", "RG17_RAIN_MM", "FL02_INFLOW_CMS", "V09_OPEN_PCT"])
        for t in range(n_steps):
            rain = float(rng.gamma(0.3, 2.0)) if rng.random() < 0.2 else 0.0
            inflow = 0.97 * inflow + 0.03 * 3.0 + 0.4 * rain + rng.normal(0, 0.05)
            valve = 35 + 10 * math.sin(2 * math.pi * t / 96)
            level += 0.002 * (inflow - valve / 12)
            cells = [t, f"{level:.3f}", f"{rain:.2f}", f"{inflow:.3f}", f"{valve:.1f}"]
            if rng.random() < 0.01:
                cells[rng.integers(1, 5)] = ""
            w.writerow(cells)


def _num(value: str) -> float:
    value = value.strip()
    return float(value) if value else math.nan


def load_export(path: str) -> List[Telemetry]:
    rows = []
    with open(path, newline="") as fh:
        for rec in csv.DictReader(fh):
            rows.append(Telemetry(
                step=int(rec["step"]),
                level_m=_num(rec["RES04_LEVEL_M"]),
                rain_mm=_num(rec["RG17_RAIN_MM"]),
                inflow_cms=_num(rec["FL02_INFLOW_CMS"]),
                valve_pct=_num(rec["V09_OPEN_PCT"]),
            ))
    return rows


FEATURES: Dict[str, Callable[[Telemetry], float]] = {
    "level": lambda t: t.level_m - 40.0,
    "rain": lambda t: math.sqrt(t.rain_mm),
    "inflow": lambda t: t.inflow_cms / 5.0,
    "valve": lambda t: t.valve_pct / 100.0,
}


def fill_gaps(matrix: np.ndarray) -> np.ndarray:
    out = matrix.copy()
    for j in range(out.shape[1]):
        col = out[:, j]
        bad = np.isnan(col)
        if bad.any():
            col[bad] = np.interp(np.flatnonzero(bad), np.flatnonzero(~bad), col[~bad])
    return out


def make_windows(series: np.ndarray, target_col: int, lookback: int, horizon: int):
    xs, ys = [], []
    for end in range(lookback, len(series) - horizon):
        xs.append(series[end - lookback:end])
        ys.append(series[end + horizon - 1, target_col])
    return torch.tensor(np.stack(xs), dtype=torch.float32), torch.tensor(ys, dtype=torch.float32)


class InflowLSTM(nn.Module):
    def __init__(self, n_in: int, hidden: int):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        seq, _ = self.lstm(x)
        return self.out(seq[:, -1]).squeeze(-1)


def train(*, export_path, features, lookback_hours=8, horizon_hours=1, hidden=16, epochs=3,
          batch_size=64, lr=2e-3, train_frac=0.8, seed=0):
    torch.manual_seed(seed)
    rows = load_export(export_path)
    matrix = np.array([[FEATURES[f](r) for f in features] for r in rows], dtype=np.float64)
    matrix = fill_gaps(matrix)
    X, y = make_windows(matrix, features.index("inflow"),
                        lookback_hours * STEPS_PER_HOUR, horizon_hours * STEPS_PER_HOUR)
    split = int(train_frac * len(y))
    model = InflowLSTM(len(features), hidden)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        perm = torch.randperm(split)
        for i in range(0, split, batch_size):
            idx = perm[i:i + batch_size]
            loss = nn.functional.mse_loss(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            val = nn.functional.mse_loss(model(X[split:]), y[split:]).item()
        print(f"epoch {epoch} val_mse {val:.5f}")
    return model


if __name__ == "__main__":
    write_fake_export(EXPORT_PATH)
    train(
        export_path=EXPORT_PATH,
        features=["level", "rain", "inflow", "valve"],
        lookback_hours=8,
        horizon_hours=1,
        hidden=16,
        epochs=2,
        batch_size=128,
        lr=3e-3,
        seed=2,
    )
