import argparse
import csv
import os
from collections import defaultdict, namedtuple
from datetime import datetime, timedelta

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

Config = namedtuple("Config", "export_path window horizon d_model epochs batch_size lr seed n_cells days")

COUNTERS = ["pmPrbUsedDl", "pmPrbUsedUl", "pmRrcConnEstabAtt", "pmErabRelAbnormal", "pmHoExeSucc"]
TS_FORMAT = "%Y-%m-%d %H:%M"


def parse_config():
    ap = argparse.ArgumentParser(description="Hourly OSS counter forecaster / anomaly residuals")
    ap.add_argument("--export-path", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "oss_pm_export.csv"))
    ap.add_argument("--window", type=int, default=24)
    ap.add_argument("--horizon", type=int, default=1)
    ap.add_argument("--d-model", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--n-cells", type=int, default=6)
    ap.add_argument("--days", type=int, default=4)
    ns = ap.parse_args([])
    return Config(**{k: getattr(ns, k) for k in Config._fields})


def simulate_oss_export(cfg):
    rng = np.random.default_rng(cfg.seed)
    t0 = datetime(2024, 3, 1)
    with open(cfg.export_path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["timestamp", "cell_id"] + COUNTERS)
        for cell in range(cfg.n_cells):
            base = rng.uniform(200, 900, len(COUNTERS))
            for h in range(cfg.days * 24):
                ts = t0 + timedelta(hours=h)
                load = 0.6 + 0.4 * np.sin(2 * np.pi * (ts.hour - 6) / 24)
                vals = base * load * rng.lognormal(0, 0.05, len(COUNTERS))
                w.writerow([ts.strftime("%Y-%m-%d %H:%M"), f"ENB{4100 + cell}-{cell % 3 + 1}"] + [f"{v:.1f}" for v in vals])


def read_export(path):
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            yield (datetime.strptime(row["timestamp"], TS_FORMAT), row["cell_id"],
                   [float(row[c]) for c in COUNTERS])


def build_windows(cfg):
    per_cell = defaultdict(list)
    for ts, cell, vals in read_export(cfg.export_path):
        per_cell[cell].append((ts, vals))
    xs, ys = [], []
    for cell, rows in per_cell.items():
        series = np.array([v for _, v in sorted(rows)], dtype=np.float32)
        series = (series - series.mean(0)) / (series.std(0) + 1e-6)
        for s in range(len(series) - cfg.window - cfg.horizon + 1):
            xs.append(series[s:s + cfg.window])
            ys.append(series[s + cfg.window + cfg.horizon - 1])
    return TensorDataset(torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys)))


class CounterForecaster(nn.Module):
    def __init__(self, n_counters, d_model, window):
        super().__init__()
        self.inp = nn.Linear(n_counters, d_model)
        self.pos = nn.Parameter(torch.zeros(1, window, d_model))
        layer = nn.TransformerEncoderLayer(d_model, nhead=2, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(d_model, n_counters)

    def forward(self, x):
        h = self.enc(self.inp(x) + self.pos)
        return self.head(h[:, -1])


class Callback:
    def on_epoch_end(self, trainer, epoch, stats):
        raise NotImplementedError


class ResidualThreshold(Callback):
    def __init__(self, k=3.0):
        self.k = k
        self.threshold = None

    def on_epoch_end(self, trainer, epoch, stats):
        res = stats["residuals"]
        self.threshold = float(res.mean() + self.k * res.std())
        print(f"epoch {epoch}: mse={stats['mse']:.4f} residual threshold={self.threshold:.3f}")


class Trainer:
    def __init__(self, model, cfg, callbacks):
        self.model, self.cfg, self.callbacks = model, cfg, callbacks
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
        self.crit = nn.MSELoss(reduction="none")

    def fit(self, dataset):
        loader = DataLoader(dataset, batch_size=self.cfg.batch_size, shuffle=True)
        for epoch in range(self.cfg.epochs):
            self.model.train()
            residuals = []
            for xb, yb in loader:
                err = self.crit(self.model(xb), yb)
                loss = err.mean()
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                residuals.append(err.detach().mean(1))
            residuals = torch.cat(residuals)
            stats = {"mse": residuals.mean().item(), "residuals": residuals}
            for cb in self.callbacks:
                cb.on_epoch_end(self, epoch, stats)


def main():
    cfg = parse_config()
    torch.manual_seed(cfg.seed)
    simulate_oss_export(cfg)
    dataset = build_windows(cfg)
    print(f"{len(dataset)} windows of {cfg.window}h x {len(COUNTERS)} counters")
    model = CounterForecaster(len(COUNTERS), cfg.d_model, cfg.window)
    Trainer(model, cfg, [ResidualThreshold()]).fit(dataset)


if __name__ == "__main__":
    main()
