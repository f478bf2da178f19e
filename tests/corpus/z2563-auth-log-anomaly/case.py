import csv
from dataclasses import dataclass, field
from pathlib import Path

import lightning as L
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

HERE = Path(__file__).resolve().parent


@dataclass
class AuthConfig:
    log_path: Path = HERE / "auth_events.csv"
    n_events: int = 3000
    hidden: tuple = (64, 32)
    dropout: float = 0.1
    lr: float = 1e-3
    batch_size: int = 128
    max_epochs: int = 2
    val_frac: float = 0.2
    seed: int = 11
    countries: list = field(default_factory=lambda: ["US", "DE", "GB", "IN", "BR", "RU", "CN", "NG"])


def write_auth_log(cfg: AuthConfig):
    rng = np.random.default_rng(cfg.seed)
    with open(cfg.log_path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["user", "hour", "country", "failed_1h", "mfa", "new_device", "km_from_last", "compromised"])
        for _ in range(cfg.n_events):
            bad = rng.random() < 0.12
            user = f"u{rng.integers(0, 200):03d}"
            if bad:
                hour = int(rng.integers(0, 24))
                country = rng.choice(cfg.countries[4:])
                failed = int(rng.poisson(6))
                mfa = int(rng.random() < 0.2)
                new_dev = int(rng.random() < 0.8)
                km = float(rng.uniform(2000, 12000))
            else:
                hour = int(np.clip(rng.normal(13, 3), 0, 23))
                country = rng.choice(cfg.countries[:4], p=[0.6, 0.15, 0.15, 0.1])
                failed = int(rng.poisson(0.3))
                mfa = int(rng.random() < 0.9)
                new_dev = int(rng.random() < 0.05)
                km = float(abs(rng.normal(0, 40)))
            w.writerow([user, hour, country, failed, mfa, new_dev, f"{km:.1f}", int(bad)])


def load_rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def build_features(rows, countries):
    hour = np.array([int(r["hour"]) for r in rows])
    failed = np.array([int(r["failed_1h"]) for r in rows])
    km = np.array([float(r["km_from_last"]) for r in rows])
    mfa = np.array([int(r["mfa"]) for r in rows])
    new_dev = np.array([int(r["new_device"]) for r in rows])
    country_idx = np.array([countries.index(r["country"]) for r in rows])

    cols = [
        np.sin(2 * np.pi * hour / 24),
        np.cos(2 * np.pi * hour / 24),
        np.log1p(failed),
        np.log1p(km),
        mfa,
        new_dev,
    ]
    X = np.stack(cols, axis=1)
    X = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-6)
    X = np.concatenate([X, np.eye(len(countries))[country_idx]], axis=1)
    y = np.array([float(r["compromised"]) for r in rows], dtype=np.float32)
    return X, y


class AuthEventDataset(Dataset):
    def __init__(self, X, y):
        self.X, self.y = X, y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return torch.from_numpy(self.X[i]), torch.tensor(self.y[i])


class LoginRiskModel(L.LightningModule):
    def __init__(self, n_features: int, cfg: AuthConfig, pos_weight: float):
        super().__init__()
        self.cfg = cfg
        layers, d = [], n_features
        for h in cfg.hidden:
            layers += [nn.Linear(d, h), nn.ReLU(), nn.Dropout(cfg.dropout)]
            d = h
        layers.append(nn.Linear(d, 1))
        self.net = nn.Sequential(*layers)
        self.register_buffer("pos_weight", torch.tensor([pos_weight]))

    def forward(self, x):
        return self.net(x).squeeze(-1)

    def _step(self, batch, stage):
        x, y = batch
        logits = self(x)
        loss = F.binary_cross_entropy_with_logits(logits, y, pos_weight=self.pos_weight)
        acc = ((logits > 0).float() == y).float().mean()
        self.log(f"{stage}_loss", loss, prog_bar=True)
        self.log(f"{stage}_acc", acc)
        return loss

    def training_step(self, batch, batch_idx):
        return self._step(batch, "train")

    def validation_step(self, batch, batch_idx):
        self._step(batch, "val")

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.cfg.lr)


def main():
    cfg = AuthConfig()
    L.seed_everything(cfg.seed, verbose=False)
    write_auth_log(cfg)
    rows = load_rows(cfg.log_path)
    X, y = build_features(rows, cfg.countries)

    perm = np.random.default_rng(cfg.seed).permutation(len(y))
    n_val = int(cfg.val_frac * len(y))
    val_idx, train_idx = perm[:n_val], perm[n_val:]
    train_dl = DataLoader(AuthEventDataset(X[train_idx], y[train_idx]), batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(AuthEventDataset(X[val_idx], y[val_idx]), batch_size=cfg.batch_size)

    pos_rate = y[train_idx].mean()
    model = LoginRiskModel(X.shape[1], cfg, pos_weight=float((1 - pos_rate) / pos_rate))
    trainer = L.Trainer(max_epochs=cfg.max_epochs, accelerator="cpu", devices=1, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                        num_sanity_val_steps=0)
    trainer.fit(model, train_dl, val_dl)
    print({k: round(float(v), 4) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
