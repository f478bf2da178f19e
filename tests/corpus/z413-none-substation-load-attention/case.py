"""Forecast the next hour of substation load from the previous 24 readings of
several feeders, with a one-block self-attention model in Lightning."""
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning.pytorch as pl
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class ForecastConfig:
    n_feeders: int = 5
    window: int = 24
    d_model: int = 16
    batch_size: int = 8
    lr: float = 2e-3
    n_days: int = 40


def make_load_curves(cfg: ForecastConfig, seed: int = 3):
    rng = np.random.default_rng(seed)
    hours = np.arange(cfg.n_days * 24)
    base = 50 + 20 * np.sin(2 * math.pi * hours / 24)[:, None]
    weekly = 5 * np.sin(2 * math.pi * hours / (24 * 7))[:, None]
    noise = rng.normal(0, 2.0, size=(len(hours), cfg.n_feeders))
    series = (base + weekly + noise * rng.uniform(0.5, 1.5, cfg.n_feeders)).astype(np.float32)
    xs, ys = [], []
    for start in range(0, len(hours) - cfg.window - 1, 3):
        xs.append(series[start:start + cfg.window])
        ys.append(series[start + cfg.window])
    x = torch.from_numpy(np.stack(xs))
    y = torch.from_numpy(np.stack(ys))
    mu, sd = x.mean(dim=(0, 1)), x.std(dim=(0, 1))
    return (x - mu) / sd, (y - mu) / sd


class FeederAttention(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.q = nn.Linear(d_model, d_model)
        self.k = nn.Linear(d_model, d_model)
        self.v = nn.Linear(d_model, d_model)
        self.scale = d_model ** -0.5

    def forward(self, h):
        q, k, v = self.q(h), self.k(h), self.v(h)
        scores = (q @ k.T) * self.scale
        weights = scores.softmax(dim=-1)
        return weights @ v


class LoadForecaster(pl.LightningModule):
    def __init__(self, cfg: ForecastConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Linear(cfg.n_feeders, cfg.d_model)
        self.pos = nn.Parameter(torch.zeros(1, cfg.window, cfg.d_model))
        self.attn = FeederAttention(cfg.d_model)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.out = nn.Linear(cfg.d_model, cfg.n_feeders)

    def forward(self, x):
        h = self.embed(x) + self.pos
        h = self.norm(h + self.attn(h))
        return self.out(h[:, -1])

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = F.mse_loss(self(x), y)
        self.log("train_mse", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val_mse", F.mse_loss(self(x), y))

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def main():
    pl.seed_everything(11, verbose=False)
    cfg = ForecastConfig()
    x, y = make_load_curves(cfg)
    split = int(0.8 * len(x))
    train_dl = DataLoader(TensorDataset(x[:split], y[:split]), batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(TensorDataset(x[split:], y[split:]), batch_size=cfg.batch_size)
    model = LoadForecaster(cfg)
    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                         logger=False, enable_checkpointing=False, enable_model_summary=False,
                         num_sanity_val_steps=0)
    trainer.fit(model, train_dl, val_dl)
    print("done, val_mse =", trainer.callback_metrics.get("val_mse"))


if __name__ == "__main__":
    main()
