"""Day-ahead household electricity load forecasting: GRU encoder + attention pooling, Lightning."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import lightning.pytorch as pl
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class ForecastConfig:
    n_households: int = 160
    window: int = 48          # half-hourly readings = one day of history
    horizon: int = 12         # predict next 6 hours
    n_covariates: int = 3     # load, outdoor temp, is_weekend
    hidden: int = 32
    batch_size: int = 16
    lr: float = 3e-3
    seed: int = 7


def simulate_meters(cfg: ForecastConfig):
    rng = np.random.default_rng(cfg.seed)
    total = cfg.window + cfg.horizon
    t = np.arange(total)
    xs, ys = [], []
    for _ in range(cfg.n_households):
        base = rng.uniform(0.2, 1.2)
        phase = rng.uniform(0, 2 * np.pi)
        temp = 12 + 6 * np.sin(2 * np.pi * t / 48 + 1.0) + rng.normal(0, 0.5, total)
        load = base + 0.4 * np.sin(2 * np.pi * t / 48 + phase) - 0.02 * (temp - 12)
        load += rng.normal(0, 0.05, total)
        weekend = np.full(total, float(rng.random() < 2 / 7))
        feats = np.stack([load, (temp - 12) / 6, weekend], axis=-1)
        xs.append(feats[: cfg.window])
        ys.append(load[cfg.window:])
    x = torch.tensor(np.array(xs), dtype=torch.float32)
    y = torch.tensor(np.array(ys), dtype=torch.float32)
    return x, y


class AttentionPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, h):
        weights = torch.softmax(self.score(h).squeeze(-1), dim=1)
        context = (weights.unsqueeze(-1) * h).sum(dim=1)
        return context, weights


class LoadForecaster(pl.LightningModule):
    def __init__(self, cfg: ForecastConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = nn.GRU(cfg.n_covariates, cfg.hidden, batch_first=True)
        self.pool = AttentionPool(cfg.hidden)
        self.head = nn.Sequential(nn.Linear(cfg.hidden, cfg.hidden), nn.ReLU(),
                                  nn.Linear(cfg.hidden, cfg.horizon))
        self.loss_fn = nn.SmoothL1Loss()

    def forward(self, x):
        h, _ = self.encoder(x)
        context, _ = self.pool(h)
        return self.head(context)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = self.loss_fn(self(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val_mae", (self(x) - y).abs().mean())

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def main():
    cfg = ForecastConfig()
    pl.seed_everything(cfg.seed, verbose=False)
    x, y = simulate_meters(cfg)
    n_train = int(0.8 * len(x))
    train_dl = DataLoader(TensorDataset(x[:n_train], y[:n_train]), batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(TensorDataset(x[n_train:], y[n_train:]), batch_size=cfg.batch_size)

    model = LoadForecaster(cfg)
    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                         logger=False, enable_checkpointing=False, enable_model_summary=False,
                         num_sanity_val_steps=0)
    trainer.fit(model, train_dl, val_dl)
    print("val_mae", float(trainer.callback_metrics["val_mae"]))


if __name__ == "__main__":
    main()
