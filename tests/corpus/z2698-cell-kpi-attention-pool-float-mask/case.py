import argparse
import math
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

Config = namedtuple("Config", ["n_cells", "n_features", "d_model", "n_heads", "min_hours", "max_hours",
                               "batch_size", "epochs", "lr", "anomaly_rate", "seed"])

KPI_NAMES = ["prb_dl_util", "prb_ul_util", "dl_thrpt_mbps", "ul_thrpt_mbps", "rrc_conn_avg",
             "erab_drop_rate", "ho_success_rate", "cqi_avg"]


def load_config():
    parser = argparse.ArgumentParser(description="Cell KPI window anomaly scoring")
    parser.add_argument("--n-cells", type=int, default=120)
    parser.add_argument("--d-model", type=int, default=32)
    parser.add_argument("--n-heads", type=int, default=4)
    parser.add_argument("--min-hours", type=int, default=12)
    parser.add_argument("--max-hours", type=int, default=48)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--anomaly-rate", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args([])
    return Config(args.n_cells, len(KPI_NAMES), args.d_model, args.n_heads, args.min_hours, args.max_hours,
                  args.batch_size, args.epochs, args.lr, args.anomaly_rate, args.seed)


class CellKpiWindows(Dataset):
    def __init__(self, cfg):
        rng = np.random.default_rng(cfg.seed)
        self.windows, self.labels = [], []
        for _ in range(cfg.n_cells):
            hours = rng.integers(cfg.min_hours, cfg.max_hours + 1)
            t = np.arange(hours)
            diurnal = 0.5 + 0.4 * np.sin(2 * math.pi * (t % 24) / 24.0)
            x = diurnal[:, None] * rng.uniform(0.5, 1.5, cfg.n_features) + 0.05 * rng.standard_normal((hours, cfg.n_features))
            is_anom = rng.random() < cfg.anomaly_rate
            if is_anom:
                start = rng.integers(0, hours - 3)
                x[start:start + 3, 5] += rng.uniform(2.0, 4.0)
            self.windows.append(x.astype(np.float32))
            self.labels.append(float(is_anom))

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, idx):
        return {"kpis": torch.from_numpy(self.windows[idx]), "label": torch.tensor(self.labels[idx])}


def pad_collate(samples):
    lengths = [s["kpis"].shape[0] for s in samples]
    longest = max(lengths)
    feats = torch.zeros(len(samples), longest, samples[0]["kpis"].shape[1])
    pad_mask = torch.ones(len(samples), longest)
    for i, s in enumerate(samples):
        feats[i, : lengths[i]] = s["kpis"]
        pad_mask[i, : lengths[i]] = 0
    return {"kpis": feats, "pad_mask": pad_mask, "label": torch.stack([s["label"] for s in samples])}


class AttentionPool(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.score = nn.Linear(d_model, 1)

    def forward(self, h, pad_mask):
        logits = self.score(h).squeeze(-1)
        logits = logits.masked_fill(pad_mask, float("-inf"))
        weights = F.softmax(logits, dim=1)
        return torch.bmm(weights.unsqueeze(1), h).squeeze(1)


class KpiAnomalyNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.proj = nn.Linear(cfg.n_features, cfg.d_model)
        self.hour_emb = nn.Embedding(24, cfg.d_model)
        self.rnn = nn.GRU(cfg.d_model, cfg.d_model, batch_first=True)
        self.pool = AttentionPool(cfg.d_model)
        self.out = nn.Linear(cfg.d_model, 1)

    def forward(self, kpis, pad_mask):
        hours = torch.arange(kpis.size(1)) % 24
        h = self.proj(kpis) + self.hour_emb(hours)[None]
        h, _ = self.rnn(h)
        return self.out(self.pool(h, pad_mask)).squeeze(-1)


class EarlyStopping:
    def __init__(self, patience=2):
        self.patience, self.best, self.bad = patience, float("inf"), 0

    def __call__(self, trainer, epoch, logs):
        if logs["loss"] < self.best - 1e-4:
            self.best, self.bad = logs["loss"], 0
        else:
            self.bad += 1
            trainer.stop = self.bad >= self.patience


def history_logger(history):
    def _cb(trainer, epoch, logs):
        history.append(dict(epoch=epoch, **logs))
        print(f"epoch {epoch}: loss={logs['loss']:.4f} flagged={logs['flagged']}")
    return _cb


class Trainer:
    def __init__(self, model, cfg, callbacks):
        self.model, self.cfg, self.callbacks = model, cfg, callbacks
        self.optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.stop = False

    def run_epoch(self, loader):
        self.model.train()
        total, flagged, count = 0.0, 0, 0
        for batch in loader:
            score = self.model(batch["kpis"], batch["pad_mask"])
            loss = F.binary_cross_entropy_with_logits(score, batch["label"])
            self.optim.zero_grad()
            loss.backward()
            self.optim.step()
            total += loss.item() * len(score)
            flagged += int((score.sigmoid() > 0.5).sum())
            count += len(score)
        return {"loss": total / count, "flagged": flagged}

    def fit(self, loader):
        for epoch in range(self.cfg.epochs):
            logs = self.run_epoch(loader)
            for cb in self.callbacks:
                cb(self, epoch, logs)
            if self.stop:
                break


if __name__ == "__main__":
    cfg = load_config()
    torch.manual_seed(cfg.seed)
    data = CellKpiWindows(cfg)
    loader = DataLoader(data, batch_size=cfg.batch_size, shuffle=True, collate_fn=pad_collate)
    history = []
    Trainer(KpiAnomalyNet(cfg), cfg, [history_logger(history), EarlyStopping()]).fit(loader)
    print("best loss:", min(h["loss"] for h in history))
