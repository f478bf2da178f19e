from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn


@dataclass
class DemandConfig:
    n_rows: int = 400
    n_stores: int = 12
    emb_dim: int = 8
    hidden: int = 32
    lr: float = 1e-2
    epochs: int = 3
    batch_size: int = 64


def synth_sales(cfg, rng):
    raw = np.empty((cfg.n_rows, 4), dtype=np.float64)
    raw[:, 0] = rng.integers(1, cfg.n_stores, size=cfg.n_rows)
    raw[:, 1] = rng.uniform(0.5, 5.0, size=cfg.n_rows)
    raw[:, 2] = rng.integers(0, 2, size=cfg.n_rows)
    raw[:, 3] = 20 + 3 * raw[:, 0] - 2.5 * raw[:, 1] + 6 * raw[:, 2] + rng.normal(0, 1, cfg.n_rows)
    missing = rng.random(cfg.n_rows) < 0.08
    raw[missing, 0] = np.nan
    return raw


def prepare_columns(raw):
    store_col = raw[:, 0]
    store_filled = np.nan_to_num(store_col, nan=0)
    columns = {
        "store": store_filled,
        "price": raw[:, 1].astype(np.float32),
        "promo": raw[:, 2].astype(np.float32),
        "units": raw[:, 3].astype(np.float32),
    }
    return {name: torch.as_tensor(values) for name, values in columns.items()}


class DemandNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.store_emb = nn.Embedding(cfg.n_stores, cfg.emb_dim)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.emb_dim + 2, cfg.hidden),
            nn.ReLU(),
            nn.Linear(cfg.hidden, 1),
        )

    def forward(self, store, price, promo):
        e = self.store_emb(store)
        x = torch.cat([e, price.unsqueeze(1), promo.unsqueeze(1)], dim=1)
        return self.mlp(x).squeeze(1)


def train(model, tensors, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    n = tensors["units"].shape[0]
    for epoch in range(cfg.epochs):
        perm = torch.randperm(n)
        total = 0.0
        for start in range(0, n, cfg.batch_size):
            idx = perm[start:start + cfg.batch_size]
            pred = model(tensors["store"][idx], tensors["price"][idx], tensors["promo"][idx])
            loss = nn.functional.mse_loss(pred, tensors["units"][idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch}: mse={total / n:.3f}")


@torch.no_grad()
def evaluate_by_store(model, tensors):
    pred = model(tensors["store"], tensors["price"], tensors["promo"])
    err = (pred - tensors["units"]).abs()
    for store_id in tensors["store"].unique()[:5].tolist():
        mask = tensors["store"] == store_id
        print(f"store {int(store_id)}: mae={err[mask].mean().item():.3f}")


if __name__ == "__main__":
    torch.manual_seed(0)
    cfg = DemandConfig()
    raw = synth_sales(cfg, np.random.default_rng(3))
    tensors = prepare_columns(raw)
    model = DemandNet(cfg)
    train(model, tensors, cfg)
    evaluate_by_store(model, tensors)
