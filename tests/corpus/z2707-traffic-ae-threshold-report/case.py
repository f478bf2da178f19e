"""Unsupervised anomaly detection on per-cell downlink traffic volume.

A small MLP autoencoder is trained on 24h traffic profiles (one value per
hour, log-scaled). Cells whose reconstruction error exceeds a quantile
threshold are flagged and written to a JSON report for the NOC dashboard."""
import argparse
import json
import os
import time
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

Config = namedtuple("Config", "n_cells hours bottleneck batch_size epochs lr quantile seed report_path")


def parse_config():
    parser = argparse.ArgumentParser(description="traffic profile autoencoder")
    parser.add_argument("--n-cells", type=int, default=600)
    parser.add_argument("--bottleneck", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--quantile", type=float, default=0.97)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--report", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "anomaly_report.json"))
    args = parser.parse_args([])
    return Config(args.n_cells, 24, args.bottleneck, args.batch_size, args.epochs,
                  args.lr, args.quantile, args.seed, args.report)


def simulate_profiles(cfg):
    rng = np.random.default_rng(cfg.seed)
    hours = np.arange(cfg.hours)
    base = 0.6 + 0.4 * np.sin((hours - 8) / 24 * 2 * np.pi)
    scale = rng.lognormal(mean=3.0, sigma=0.5, size=(cfg.n_cells, 1))
    traffic = scale * base[None, :] * rng.normal(1.0, 0.08, (cfg.n_cells, cfg.hours))
    injected = rng.choice(cfg.n_cells, size=cfg.n_cells // 50, replace=False)
    for c in injected:
        start = rng.integers(0, cfg.hours - 4)
        traffic[c, start:start + 4] *= rng.choice([0.05, 6.0])
    prof = np.log1p(traffic.clip(min=0))
    prof = (prof - prof.mean(axis=1, keepdims=True)) / (prof.std(axis=1, keepdims=True) + 1e-6)
    cell_ids = [f"NR{4000 + i}" for i in range(cfg.n_cells)]
    return prof.astype(np.float32), cell_ids, set(injected.tolist())


class ProfileAE(nn.Module):
    def __init__(self, hours, bottleneck):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(hours, 16), nn.Tanh(), nn.Linear(16, bottleneck))
        self.dec = nn.Sequential(nn.Linear(bottleneck, 16), nn.Tanh(), nn.Linear(16, hours))

    def forward(self, x):
        return self.dec(self.enc(x))


class Callback:
    def on_epoch_end(self, trainer, epoch, loss): ...
    def on_train_end(self, trainer): ...


class ThresholdCallback(Callback):
    def __init__(self, profiles, quantile):
        self.profiles = torch.from_numpy(profiles)
        self.quantile = quantile

    def on_train_end(self, trainer):
        trainer.model.eval()
        with torch.no_grad():
            recon = trainer.model(self.profiles)
            errs = ((recon - self.profiles) ** 2).mean(dim=1).numpy()
        trainer.state["errors"] = errs
        trainer.state["threshold"] = np.quantile(errs, self.quantile)


class ReportCallback(Callback):
    def __init__(self, cell_ids, path):
        self.cell_ids, self.path = cell_ids, path

    def on_train_end(self, trainer):
        thr = trainer.state["threshold"]
        flagged = [cid for cid, e in zip(self.cell_ids, trainer.state["errors"]) if e > thr]
        report = {
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "n_cells": len(self.cell_ids),
            "final_loss": trainer.state["losses"][-1],
            "threshold": thr,
            "flagged_cells": flagged,
        }
        with open(self.path, "w") as fh:
            json.dump(report, fh, indent=2)
        print(f"flagged {len(flagged)} cells -> {self.path}")


class Trainer:
    def __init__(self, model, cfg, callbacks):
        self.model, self.cfg, self.callbacks = model, cfg, callbacks
        self.optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.state = {"losses": []}

    def fit(self, loader):
        mse = nn.MSELoss()
        for epoch in range(self.cfg.epochs):
            self.model.train()
            running = []
            for (x,) in loader:
                loss = mse(self.model(x), x)
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
                running.append(loss.item())
            self.state["losses"].append(sum(running) / len(running))
            for cb in self.callbacks:
                cb.on_epoch_end(self, epoch, self.state["losses"][-1])
        for cb in self.callbacks:
            cb.on_train_end(self)


def main():
    cfg = parse_config()
    torch.manual_seed(cfg.seed)
    profiles, cell_ids, injected = simulate_profiles(cfg)
    loader = DataLoader(TensorDataset(torch.from_numpy(profiles)), batch_size=cfg.batch_size,
                        shuffle=True)
    model = ProfileAE(cfg.hours, cfg.bottleneck)
    callbacks = [ThresholdCallback(profiles, cfg.quantile), ReportCallback(cell_ids, cfg.report_path)]
    trainer = Trainer(model, cfg, callbacks)
    trainer.fit(loader)
    hits = sum(1 for i, e in enumerate(trainer.state["errors"])
               if e > trainer.state["threshold"] and i in injected)
    print(f"final loss {trainer.state['losses'][-1]:.4f}; {hits}/{len(injected)} injected cells caught")


if __name__ == "__main__":
    main()
