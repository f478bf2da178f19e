from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
import lightning as L


@dataclass
class ForecastConfig:
    n_stores: int = 10
    n_items: int = 30
    n_days: int = 365
    history_days: int = 90          # one quarter of daily history
    stride_days: int = 14
    n_daily_feats: int = 4          # units, promo depth, price index, feature/display flag
    store_dim: int = 8
    item_dim: int = 16
    hidden: int = 48
    batch_size: int = 64
    lr: float = 2e-3
    max_epochs: int = 2
    seed: int = 11


def simulate_daily_panel(cfg):
    rng = np.random.default_rng(cfg.seed)
    t = np.arange(cfg.n_days)
    weekly = 1.0 + 0.3 * np.sin(2 * np.pi * t / 7.0)
    yearly = 1.0 + 0.2 * np.cos(2 * np.pi * (t - 330) / 365.0)
    panel = np.zeros((cfg.n_stores, cfg.n_items, cfg.n_days, cfg.n_daily_feats), dtype=np.float32)
    for s in range(cfg.n_stores):
        store_scale = rng.uniform(0.6, 1.6)
        for i in range(cfg.n_items):
            base = rng.gamma(2.0, 2.5) * store_scale
            promo_on = rng.random(cfg.n_days) < 0.1
            depth = np.where(promo_on, rng.choice([0.1, 0.2, 0.3], cfg.n_days), 0.0)
            price_idx = 1.0 - depth + rng.normal(0, 0.01, cfg.n_days)
            display = (rng.random(cfg.n_days) < 0.04).astype(np.float32)
            lam = base * weekly * yearly * (1 + 3.0 * depth) * (1 + 0.5 * display)
            units = rng.poisson(lam)
            panel[s, i, :, 0] = units
            panel[s, i, :, 1] = depth
            panel[s, i, :, 2] = price_idx
            panel[s, i, :, 3] = display
    return panel


class StoreItemWindows(Dataset):
    def __init__(self, panel, cfg, start_day, end_day):
        self.panel = panel
        self.cfg = cfg
        self.index = []
        last_start = end_day - cfg.history_days - 7
        for s in range(panel.shape[0]):
            for i in range(panel.shape[1]):
                for d0 in range(start_day, last_start + 1, cfg.stride_days):
                    self.index.append((s, i, d0))

    def __len__(self):
        return len(self.index)

    def __getitem__(self, k):
        s, i, d0 = self.index[k]
        d1 = d0 + self.cfg.history_days
        hist = self.panel[s, i, d0:d1].copy()
        hist[:, 0] = np.log1p(hist[:, 0])
        next_week_units = self.panel[s, i, d1:d1 + 7, 0].sum()
        return {
            "store": torch.tensor(s),
            "item": torch.tensor(i),
            "daily": torch.from_numpy(hist),
            "target": torch.tensor(np.log1p(next_week_units), dtype=torch.float32),
        }


class WeeklyPromoForecaster(L.LightningModule):
    def __init__(self, cfg: ForecastConfig):
        super().__init__()
        self.cfg = cfg
        self.n_weeks = cfg.history_days // 7
        self.store_emb = nn.Embedding(cfg.n_stores, cfg.store_dim)
        self.item_emb = nn.Embedding(cfg.n_items, cfg.item_dim)
        # weekly summary: mean of each daily feature + max promo depth
        self.week_proj = nn.Linear(cfg.n_daily_feats + 1, cfg.hidden)
        self.gru = nn.GRU(cfg.hidden, cfg.hidden, batch_first=True)
        self.head = nn.Sequential(
            nn.Linear(cfg.hidden + cfg.store_dim + cfg.item_dim, cfg.hidden),
            nn.ReLU(),
            nn.Linear(cfg.hidden, 1),
        )

    def to_weeks(self, daily):
        B = daily.shape[0]
        weeks = daily.reshape(B, self.n_weeks, 7, self.cfg.n_daily_feats)
        max_depth = weeks[..., 1].amax(dim=2, keepdim=True)
        return torch.cat([weeks.mean(dim=2), max_depth], dim=-1)

    def forward(self, store, item, daily):
        w = F.relu(self.week_proj(self.to_weeks(daily)))
        _, h = self.gru(w)
        z = torch.cat([h[-1], self.store_emb(store), self.item_emb(item)], dim=-1)
        return self.head(z).squeeze(-1)

    def _step(self, batch, stage):
        pred = self(batch["store"], batch["item"], batch["daily"])
        loss = F.mse_loss(pred, batch["target"])
        self.log(f"{stage}_mse", loss, prog_bar=False, batch_size=pred.shape[0])
        return loss

    def training_step(self, batch, batch_idx):
        return self._step(batch, "train")

    def validation_step(self, batch, batch_idx):
        self._step(batch, "val")

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.cfg.lr)


def main():
    cfg = ForecastConfig()
    L.seed_everything(cfg.seed, verbose=False)
    panel = simulate_daily_panel(cfg)
    cutoff = cfg.n_days - 56
    train_ds = StoreItemWindows(panel, cfg, 0, cutoff)
    val_ds = StoreItemWindows(panel, cfg, cutoff - cfg.history_days, cfg.n_days)
    print(f"train windows: {len(train_ds)}, val windows: {len(val_ds)}")

    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = WeeklyPromoForecaster(cfg)
    trainer = L.Trainer(
        accelerator="cpu",
        max_epochs=cfg.max_epochs,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        limit_train_batches=30,
        limit_val_batches=10,
    )
    trainer.fit(model, train_dl, val_dl)
    print("final:", {k: round(float(v), 4) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
