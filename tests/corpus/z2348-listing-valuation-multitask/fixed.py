import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class ValuationConfig:
    numeric_cols: list = field(default_factory=lambda: [
        "living_sqft", "lot_sqft", "bedrooms", "bathrooms", "year_built", "dist_to_cbd_km",
    ])
    n_neighbourhoods: int = 30
    n_property_types: int = 5
    emb_dim: int = 8
    hidden: int = 64
    dropout: float = 0.1
    batch_size: int = 64
    epochs: int = 3
    lr: float = 2e-3
    dom_weight: float = 0.3
    device: str = "cpu"
    init_device: str = "cpu"
    prev_ckpt: str = "valuation_q1.pt"
    seed: int = 11


def make_listings(n, cfg, rng):
    sqft = rng.gamma(6.0, 250.0, n)
    lot = sqft * rng.uniform(1.2, 4.0, n)
    beds = np.clip(np.round(sqft / 450 + rng.normal(0, 0.6, n)), 1, 6)
    baths = np.clip(np.round(beds * 0.7 + rng.normal(0, 0.4, n)), 1, 4)
    year = rng.integers(1920, 2023, n).astype(np.float64)
    dist = rng.exponential(9.0, n)
    hood = rng.integers(0, cfg.n_neighbourhoods, n)
    ptype = rng.integers(0, cfg.n_property_types, n)
    hood_premium = rng.normal(0, 0.25, cfg.n_neighbourhoods)[hood]
    log_price = (11.5 + 0.9 * np.log(sqft) / 7 + 0.05 * baths - 0.015 * dist
                 + hood_premium + rng.normal(0, 0.1, n))
    dom = np.clip(rng.gamma(2.0, 12.0, n) + 4 * dist / 10 - 10 * hood_premium, 1, None)
    X = np.stack([sqft, lot, beds, baths, year, dist], axis=1)
    X = (X - X.mean(0)) / X.std(0)
    cats = np.stack([hood, ptype], axis=1)
    return (torch.tensor(X, dtype=torch.float32), torch.tensor(cats, dtype=torch.long),
            torch.tensor(log_price, dtype=torch.float32), torch.tensor(np.log1p(dom), dtype=torch.float32))


class ListingEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.hood_emb = nn.Embedding(cfg.n_neighbourhoods, cfg.emb_dim)
        self.type_emb = nn.Embedding(cfg.n_property_types, cfg.emb_dim)
        in_dim = len(cfg.numeric_cols) + 2 * cfg.emb_dim
        self.mlp = nn.Sequential(
            nn.Linear(in_dim, cfg.hidden), nn.ReLU(), nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden, cfg.hidden), nn.ReLU(),
        )

    def forward(self, x_num, x_cat):
        h = torch.cat([x_num, self.hood_emb(x_cat[:, 0]), self.type_emb(x_cat[:, 1])], dim=-1)
        return self.mlp(h)


class PriceModelQ1(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = ListingEncoder(cfg)
        self.price_head = nn.Linear(cfg.hidden, 1)

    def forward(self, x_num, x_cat):
        return self.price_head(self.encoder(x_num, x_cat)).squeeze(-1)


class ValuationModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = ListingEncoder(cfg)
        self.price_head = nn.Linear(cfg.hidden, 1)
        self.dom_head = nn.Sequential(nn.Linear(cfg.hidden, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x_num, x_cat):
        z = self.encoder(x_num, x_cat)
        return self.price_head(z).squeeze(-1), self.dom_head(z).squeeze(-1)


def ensure_previous_checkpoint(cfg, rng):
    if os.path.exists(cfg.prev_ckpt):
        return
    X, C, y, _ = make_listings(800, cfg, rng)
    model = PriceModelQ1(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for _ in range(2):
        for xb, cb, yb in DataLoader(TensorDataset(X, C, y), batch_size=cfg.batch_size, shuffle=True):
            loss = F.mse_loss(model(xb, cb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
    torch.save(model.state_dict(), cfg.prev_ckpt)


def build_from_checkpoint(cfg):
    with torch.device(cfg.init_device):
        model = ValuationModel(cfg)
    state = torch.load(cfg.prev_ckpt, map_location=cfg.device)
    result = model.load_state_dict(state, strict=False, assign=True)
    print(f"warm start from {cfg.prev_ckpt}: {len(state)} tensors loaded, "
          f"{len(result.missing_keys)} new")
    return model


def evaluate(model, loader, cfg):
    model.eval()
    errs = []
    with torch.no_grad():
        for xb, cb, yb, _ in loader:
            p, _ = model(xb.to(cfg.device), cb.to(cfg.device))
            errs.append((p.exp() - yb.exp()).abs() / yb.exp())
    model.train()
    return torch.cat(errs).median().item()


def main():
    cfg = ValuationConfig()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    ensure_previous_checkpoint(cfg, rng)

    X, C, y, dom = make_listings(2000, cfg, rng)
    ds = TensorDataset(X, C, y, dom)
    train_ds, val_ds = torch.utils.data.random_split(ds, [1700, 300])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=256)

    model = build_from_checkpoint(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)

    for epoch in range(cfg.epochs):
        running = 0.0
        for xb, cb, yb, db in train_dl:
            xb, cb, yb, db = (t.to(cfg.device) for t in (xb, cb, yb, db))
            price_pred, dom_pred = model(xb, cb)
            loss = F.mse_loss(price_pred, yb) + cfg.dom_weight * F.mse_loss(dom_pred, db)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(xb)
        mape = evaluate(model, val_dl, cfg)
        print(f"epoch {epoch}: loss {running / len(train_ds):.4f}  val median APE {mape:.3%}")


if __name__ == "__main__":
    main()
