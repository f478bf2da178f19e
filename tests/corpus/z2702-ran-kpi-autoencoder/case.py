import argparse
import csv
import math
import os
from collections import namedtuple
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

KPI_COLUMNS = ["prb_util", "dl_thp_mbps", "ul_thp_mbps", "rrc_users",
               "erab_drop_pct", "ho_fail_pct", "avg_cqi", "latency_ms"]

Config = namedtuple("Config", ["in_dim", "bottleneck", "hidden", "batch_size", "epochs", "lr", "quantile"])


@dataclass
class RunState:
    epoch: int = 0
    history: list = field(default_factory=list)
    threshold: float = float("nan")


def parse_opts():
    parser = argparse.ArgumentParser(description="RAN KPI reconstruction anomaly detector")
    parser.add_argument("--hours", type=int, default=24 * 14)
    parser.add_argument("--cells", type=int, default=12)
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--bottleneck", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--quantile", type=float, default=0.995)
    parser.add_argument("--export", default="pm_counters.csv")
    return parser.parse_args([])


def export_pm_counters(path, hours, cells, seed=7):
    rng = np.random.default_rng(seed)
    scale = np.array([100, 150, 30, 400, 2, 5, 15, 40], dtype=np.float64)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["hour", "cell_id"] + KPI_COLUMNS)
        for h in range(hours):
            load = 0.3 + 0.6 * max(0.0, math.sin(math.pi * ((h % 24) - 6) / 16))
            for c in range(cells):
                vals = scale * (load + rng.normal(0, 0.05, size=len(scale)))
                w.writerow([h, f"eNB{c // 3}-{c % 3}"] + [f"{v:.3f}" for v in vals])


def load_features(path):
    hours, rows = [], []
    with open(path) as fh:
        for rec in csv.DictReader(fh):
            hours.append(int(rec["hour"]) % 24)
            rows.append([float(rec[k]) for k in KPI_COLUMNS])
    kpis = np.asarray(rows, dtype=np.float32)
    hod = 2 * np.pi * np.asarray(hours, dtype=np.float32) / 24.0
    feats = np.column_stack([kpis, np.sin(hod), np.cos(hod)]).astype(np.float32)
    mu, sd = feats.mean(0), feats.std(0) + 1e-6
    return (feats - mu) / sd


def minibatches(x, batch_size, rng):
    order = rng.permutation(len(x))
    for i in range(0, len(x), batch_size):
        yield torch.from_numpy(x[order[i:i + batch_size]])


class KpiAutoencoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(cfg.in_dim, cfg.hidden), nn.Tanh(),
                                     nn.Linear(cfg.hidden, cfg.bottleneck))
        self.decoder = nn.Sequential(nn.Linear(cfg.bottleneck, cfg.hidden), nn.Tanh(),
                                     nn.Linear(cfg.hidden, cfg.in_dim))

    def forward(self, x):
        return self.decoder(self.encoder(x))


def make_threshold_callback(holdout, quantile):
    def on_epoch_end(trainer, state):
        with torch.no_grad():
            err = trainer.score(torch.from_numpy(holdout))
        state.threshold = float(torch.quantile(err, quantile))
    return on_epoch_end


def history_callback(trainer, state):
    print(f"epoch {state.epoch}: recon={state.history[-1]:.5f} thr={state.threshold:.4f}")


class Trainer:
    def __init__(self, model, cfg, callbacks=None):
        self.model, self.cfg = model, cfg
        self.callbacks = callbacks or []
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
        self.loss_fn = nn.MSELoss()
        self.state = RunState()

    def score(self, x):
        self.model.eval()
        return ((self.model(x) - x) ** 2).mean(dim=1)

    def train(self, x):
        rng = np.random.default_rng(0)
        for epoch in range(self.cfg.epochs):
            self.model.train()
            self.state.epoch = epoch
            losses = []
            for xb in minibatches(x, self.cfg.batch_size, rng):
                recon = self.model(xb)
                loss = self.loss_fn(recon, xb)
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
                losses.append(loss.item())
            self.state.history.append(float(np.mean(losses)))
            for cb in self.callbacks:
                cb(self, self.state)
        return self.state


def main():
    opts = parse_opts()
    torch.manual_seed(0)
    csv_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), opts.export)
    export_pm_counters(csv_path, opts.hours, opts.cells)
    feats = load_features(csv_path)
    split = int(0.8 * len(feats))
    train_x, holdout_x = feats[:split], feats[split:]

    cfg = Config(in_dim=len(KPI_COLUMNS), bottleneck=opts.bottleneck, hidden=opts.hidden,
                 batch_size=opts.batch_size, epochs=opts.epochs, lr=opts.lr, quantile=opts.quantile)
    model = KpiAutoencoder(cfg)
    trainer = Trainer(model, cfg, callbacks=[make_threshold_callback(holdout_x, cfg.quantile),
                                             history_callback])
    state = trainer.train(train_x)
    flagged = (trainer.score(torch.from_numpy(holdout_x)) > state.threshold).sum().item()
    print(f"holdout samples above threshold: {flagged}/{len(holdout_x)}")


if __name__ == "__main__":
    main()
