import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class ForecastConfig:
    n_stores: int = 10
    n_items: int = 30
    n_days: int = 300
    history_weeks: int = 16
    horizon_days: int = 7
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    max_positions: int = 128
    dropout: float = 0.1
    batch_size: int = 64
    lr: float = 3e-3
    epochs: int = 1
    max_windows: int = 768
    seed: int = 7

    @property
    def lookback_days(self) -> int:
        return self.history_weeks * 7


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def make_sales_panel(cfg):
    rng = np.random.default_rng(cfg.seed)
    days = np.arange(cfg.n_days)
    dow = days % 7
    base = rng.gamma(2.0, 3.0, size=(cfg.n_stores, cfg.n_items, 1))
    weekly = 1.0 + 0.3 * np.sin(2 * np.pi * dow / 7)[None, None, :]
    trend = 1.0 + 0.001 * days[None, None, :]
    promo = (rng.random((cfg.n_stores, cfg.n_items, cfg.n_days)) < 0.08).astype(np.float32)
    price = 1.0 - 0.2 * promo + rng.normal(0, 0.02, promo.shape)
    lam = base * weekly * trend * (1.0 + 0.8 * promo)
    sales = rng.poisson(lam).astype(np.float32)
    return sales, promo, price.astype(np.float32), dow


class SalesWindowDataset(Dataset):
    def __init__(self, sales, promo, price, dow, lookback, horizon, max_windows, seed=0):
        self.sales, self.promo, self.price, self.dow = sales, promo, price, dow
        self.lookback, self.horizon = lookback, horizon
        n_stores, n_items, n_days = sales.shape
        index = [
            (s, i, t)
            for s in range(n_stores)
            for i in range(n_items)
            for t in range(lookback, n_days - horizon, 7)
        ]
        random.Random(seed).shuffle(index)
        self.index = index[:max_windows]

    def __len__(self):
        return len(self.index)

    def __getitem__(self, k):
        s, i, t = self.index[k]
        past = slice(t - self.lookback, t)
        fut = slice(t, t + self.horizon)
        dow = self.dow[past]
        feats = np.stack(
            [
                np.log1p(self.sales[s, i, past]),
                self.promo[s, i, past],
                self.price[s, i, past],
                np.sin(2 * math.pi * dow / 7),
                np.cos(2 * math.pi * dow / 7),
            ],
            axis=-1,
        ).astype(np.float32)
        target = np.log1p(self.sales[s, i, fut]).astype(np.float32)
        return {
            "x": torch.from_numpy(feats),
            "store": torch.tensor(s),
            "item": torch.tensor(i),
            "future_promo": torch.from_numpy(self.promo[s, i, fut].copy()),
            "y": torch.from_numpy(target),
        }


class DemandTransformer(nn.Module):
    def __init__(self, cfg, n_features):
        super().__init__()
        self.input_proj = nn.Linear(n_features, cfg.d_model)
        self.store_emb = nn.Embedding(cfg.n_stores, cfg.d_model)
        self.item_emb = nn.Embedding(cfg.n_items, cfg.d_model)
        self.pos_emb = nn.Embedding(cfg.max_positions, cfg.d_model)
        layer = nn.TransformerEncoderLayer(
            cfg.d_model, cfg.n_heads, dim_feedforward=4 * cfg.d_model,
            dropout=cfg.dropout, batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.promo_proj = nn.Linear(cfg.horizon_days, cfg.d_model)
        self.head = nn.Sequential(
            nn.Linear(2 * cfg.d_model, cfg.d_model), nn.GELU(),
            nn.Linear(cfg.d_model, cfg.horizon_days),
        )

    def forward(self, x, store, item, future_promo):
        b, t, _ = x.shape
        positions = torch.arange(t, device=x.device).unsqueeze(0).expand(b, t)
        h = self.input_proj(x) + self.pos_emb(positions)
        h = h + (self.store_emb(store) + self.item_emb(item)).unsqueeze(1)
        h = self.encoder(h)
        summary = h[:, -1]
        return self.head(torch.cat([summary, self.promo_proj(future_promo)], dim=-1))


def train(cfg):
    seed_everything(cfg.seed)
    sales, promo, price, dow = make_sales_panel(cfg)
    split = int(cfg.n_days * 0.8)
    train_ds = SalesWindowDataset(
        sales[:, :, :split], promo[:, :, :split], price[:, :, :split], dow[:split],
        cfg.lookback_days, cfg.horizon_days, cfg.max_windows, seed=cfg.seed,
    )
    loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    model = DemandTransformer(cfg, n_features=5)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    loss_fn = nn.HuberLoss(delta=1.0)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            pred = model(batch["x"], batch["store"], batch["item"], batch["future_promo"])
            loss = loss_fn(pred, batch["y"])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
            if step % 10 == 0:
                print(f"epoch {epoch} step {step} huber {loss.item():.4f}")
        print(f"epoch {epoch} mean loss {running / len(loader):.4f}")
    return model


if __name__ == "__main__":
    cfg = ForecastConfig()
    print(f"lookback={cfg.lookback_days} days, horizon={cfg.horizon_days} days")
    train(cfg)
