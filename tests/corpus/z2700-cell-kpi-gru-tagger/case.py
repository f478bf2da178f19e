import argparse
import time
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

Config = namedtuple(
    "Config",
    ["n_cells", "window", "n_kpis", "n_states", "hidden", "batch_size", "epochs", "lr", "seed"],
)

STATES = ["normal", "congestion", "outage", "interference"]


def parse_cli():
    p = argparse.ArgumentParser(description="per-interval cell state tagger")
    p.add_argument("--n-cells", type=int, default=96)
    p.add_argument("--window", type=int, default=48)
    p.add_argument("--n-kpis", type=int, default=6)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=11)
    a = p.parse_args([])
    return Config(a.n_cells, a.window, a.n_kpis, len(STATES), a.hidden,
                  a.batch_size, a.epochs, a.lr, a.seed)


def synth_cell_traces(cfg):
    rng = np.random.default_rng(cfg.seed)
    t = np.arange(cfg.window)
    base = 0.5 + 0.3 * np.sin(2 * np.pi * t / 24.0)
    x = rng.normal(0, 0.05, size=(cfg.n_cells, cfg.window, cfg.n_kpis)) + base[None, :, None]
    y = np.zeros((cfg.n_cells, cfg.window), dtype=np.int64)
    for c in range(cfg.n_cells):
        for _ in range(rng.integers(0, 3)):
            start = rng.integers(0, cfg.window - 6)
            dur = rng.integers(2, 6)
            state = rng.integers(1, cfg.n_states)
            y[c, start:start + dur] = state
            x[c, start:start + dur, state % cfg.n_kpis] += 1.5
    return x.astype(np.float32), y


class CellTraceDataset(Dataset):
    def __init__(self, feats, states):
        mu = feats.mean(axis=(0, 1), keepdims=True)
        sd = feats.std(axis=(0, 1), keepdims=True) + 1e-6
        self.feats = torch.from_numpy((feats - mu) / sd)
        self.states = torch.from_numpy(states)

    def __len__(self):
        return self.feats.shape[0]

    def __getitem__(self, i):
        return {"kpi": self.feats[i], "state": self.states[i]}


class StateTagger(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.proj = nn.Linear(cfg.n_kpis, cfg.hidden)
        self.rnn = nn.GRU(cfg.hidden, cfg.hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * cfg.hidden, cfg.n_states)

    def forward(self, kpi):
        h = torch.relu(self.proj(kpi))
        h, _ = self.rnn(h)
        return self.head(h)


class LossLogger:
    def on_batch_end(self, trainer, step, loss):
        if step % 4 == 0:
            print(f"  step {step:3d} loss {loss:.4f}")

    def on_epoch_end(self, trainer, epoch, metrics):
        print(f"epoch {epoch} " + " ".join(f"{k}={v:.4f}" for k, v in metrics.items()))


class Timer:
    def on_batch_end(self, trainer, step, loss):
        pass

    def on_epoch_end(self, trainer, epoch, metrics):
        metrics["sec"] = time.time() - trainer.t0


class Trainer:
    def __init__(self, model, cfg, callbacks=()):
        self.model = model
        self.cfg = cfg
        self.callbacks = list(callbacks)
        self.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        weights = torch.tensor([0.4] + [1.0] * (cfg.n_states - 1))
        self.class_weights = weights
        self.t0 = time.time()

    def compute_loss(self, batch):
        logits = self.model(batch["kpi"])
        return F.cross_entropy(logits, batch["state"], weight=self.class_weights)

    def fit(self, loader):
        step = 0
        for epoch in range(self.cfg.epochs):
            self.model.train()
            total, n = 0.0, 0
            for batch in loader:
                loss = self.compute_loss(batch)
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                total += loss.item()
                n += 1
                step += 1
                for cb in self.callbacks:
                    cb.on_batch_end(self, step, loss.item())
            metrics = {"train_loss": total / max(n, 1)}
            for cb in self.callbacks:
                cb.on_epoch_end(self, epoch, metrics)
        return self.model


def main():
    cfg = parse_cli()
    torch.manual_seed(cfg.seed)
    feats, states = synth_cell_traces(cfg)
    ds = CellTraceDataset(feats, states)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, drop_last=True)
    model = StateTagger(cfg)
    trainer = Trainer(model, cfg, callbacks=[Timer(), LossLogger()])
    trainer.fit(loader)
    with torch.no_grad():
        pred = model(ds.feats[:4]).argmax(-1)
    print("anomalous intervals flagged:", int((pred > 0).sum()))


if __name__ == "__main__":
    main()
