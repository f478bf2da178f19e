"""Per-hour event tagging on hive scale data.

Every hive in the apiary sits on a load cell that logs weight, internal temperature and
humidity once an hour. We tag each hour with what the colony was doing so the
dashboard can flag swarms and robbing early.
"""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

EVENTS = ["stable", "nectar_flow", "inspection", "swarm", "robbing"]


@dataclass
class ScaleConfig:
    n_hives: int = 40
    window_hours: int = 48
    n_features: int = 3
    hidden: int = 64
    n_layers: int = 2
    dropout: float = 0.1
    batch_size: int = 16
    lr: float = 2e-3
    epochs: int = 4
    event_weights: list = field(default_factory=lambda: [0.3, 1.0, 1.5, 4.0, 3.0])
    seed: int = 11


def simulate_scale_windows(cfg: ScaleConfig):
    rng = np.random.default_rng(cfg.seed)
    xs, ys = [], []
    for hive in range(cfg.n_hives):
        for _ in range(4):
            T = cfg.window_hours
            hours = np.arange(T)
            weight = 38.0 + rng.normal(0, 0.5) + np.cumsum(rng.normal(0, 0.02, T))
            temp = 34.5 + 0.8 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, 0.2, T)
            hum = 60 + 5 * np.cos(2 * np.pi * hours / 24) + rng.normal(0, 1.0, T)
            tags = np.zeros(T, dtype=np.int64)

            if rng.random() < 0.5:
                start = rng.integers(6, 20)
                flow = np.zeros(T)
                flow[start:start + 10] = np.linspace(0, 0.9, 10)
                flow[start + 10:] = 0.9
                weight += flow
                tags[start:start + 10] = 1
            if rng.random() < 0.4:
                t = rng.integers(8, T - 2)
                weight[t:] -= 1.2
                weight[t + 1:] += 1.2
                tags[t] = 2
            if rng.random() < 0.15:
                t = rng.integers(10, T - 4)
                weight[t:] -= rng.uniform(1.5, 2.5)
                temp[t:t + 3] += 1.5
                tags[t:t + 2] = 3
            if rng.random() < 0.15:
                t = rng.integers(10, T - 6)
                weight[t:t + 5] -= np.linspace(0.1, 0.6, 5)
                weight[t + 5:] -= 0.6
                tags[t:t + 5] = 4

            feats = np.stack([weight - weight[0], temp - 34.5, (hum - 60) / 5], axis=1)
            xs.append(feats.astype(np.float32))
            ys.append(tags)
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


class HiveEventTagger(nn.Module):
    def __init__(self, cfg: ScaleConfig):
        super().__init__()
        self.inp = nn.Linear(cfg.n_features, cfg.hidden)
        self.rnn = nn.GRU(
            cfg.hidden, cfg.hidden, num_layers=cfg.n_layers,
            batch_first=True, dropout=cfg.dropout, bidirectional=True,
        )
        self.out = nn.Sequential(
            nn.LayerNorm(2 * cfg.hidden),
            nn.Linear(2 * cfg.hidden, len(EVENTS)),
        )

    def forward(self, x):
        h = torch.relu(self.inp(x))
        h, _ = self.rnn(h)
        return self.out(h)


class Trainer:
    def __init__(self, cfg: ScaleConfig):
        self.cfg = cfg
        torch.manual_seed(cfg.seed)
        self.model = HiveEventTagger(cfg)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
        self.criterion = nn.CrossEntropyLoss(weight=torch.tensor(cfg.event_weights))

    def step(self, x, tags):
        logits = self.model(x)
        loss = self.criterion(logits.transpose(1, 2), tags)
        self.opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        hits, n = 0, 0
        for x, tags in loader:
            pred = self.model(x).argmax(-1)
            hits += (pred == tags).sum().item()
            n += tags.numel()
        self.model.train()
        return hits / n

    def fit(self, train_loader, val_loader):
        for epoch in range(self.cfg.epochs):
            losses = [self.step(x, tags) for x, tags in train_loader]
            acc = self.evaluate(val_loader)
            print(f"epoch {epoch} loss {np.mean(losses):.4f} hourly acc {acc:.3f}")


def main():
    cfg = ScaleConfig()
    X, Y = simulate_scale_windows(cfg)
    print("windows:", tuple(X.shape), "tag counts:", np.bincount(Y.flatten().numpy(), minlength=len(EVENTS)))
    ds = TensorDataset(X, Y)
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val], generator=torch.Generator().manual_seed(cfg.seed))
    train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, drop_last=True)
    val_loader = DataLoader(val_ds, batch_size=cfg.batch_size)
    Trainer(cfg).fit(train_loader, val_loader)


if __name__ == "__main__":
    main()
