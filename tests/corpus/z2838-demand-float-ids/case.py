"""Weekly demand forecaster: store x item embeddings + price/promo features -> units sold."""
import argparse
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, Iterator, List, Protocol, Tuple

import numpy as np
import torch
import torch.nn as nn


# ------------------------------------------------------------------ utils
def to_tensor(a, dtype=None):
    t = torch.from_numpy(np.ascontiguousarray(a))
    return t if dtype is None else t.to(dtype)


def pad_to(x: np.ndarray, n: int, value=0.0) -> np.ndarray:
    if len(x) >= n:
        return x[:n]
    return np.concatenate([x, np.full((n - len(x),) + x.shape[1:], value, dtype=x.dtype)])


def batched(arr: np.ndarray, size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    order = rng.permutation(len(arr))
    for start in range(0, len(arr), size):
        yield arr[order[start:start + size]]


# ------------------------------------------------------------------ data
@dataclass
class SalesLog:
    store: List[str] = field(default_factory=list)
    sku: List[str] = field(default_factory=list)
    week: List[int] = field(default_factory=list)
    price: List[float] = field(default_factory=list)
    promo: List[int] = field(default_factory=list)
    units: List[float] = field(default_factory=list)


def simulate_sales(n=3000, n_stores=12, n_skus=150, seed=5) -> SalesLog:
    rng = np.random.default_rng(seed)
    log = SalesLog()
    base = rng.gamma(2.0, 3.0, size=n_skus)
    for _ in range(n):
        s, k = int(rng.integers(n_stores)), int(rng.integers(n_skus))
        promo = int(rng.random() < 0.2)
        price = float(np.round(rng.uniform(0.5, 12.0), 2))
        log.store.append(f"ST{s:02d}")
        log.sku.append(f"SKU{k:04d}")
        log.week.append(int(rng.integers(1, 53)))
        log.price.append(price)
        log.promo.append(promo)
        log.units.append(float(rng.poisson(base[k] * (1.6 if promo else 1.0) / np.sqrt(price))))
    return log


def build_index(keys: List[str]) -> Dict[str, int]:
    return {k: i for i, k in enumerate(sorted(set(keys)))}


def feature_matrix(log: SalesLog, store_ix, sku_ix) -> np.ndarray:
    @lru_cache(maxsize=None)
    def week_sin_cos(w: int) -> Tuple[float, float]:
        ang = 2 * np.pi * w / 52.0
        return float(np.sin(ang)), float(np.cos(ang))

    rows = []
    for st, sk, wk, pr, pm, u in zip(log.store, log.sku, log.week, log.price, log.promo, log.units):
        rows.append([store_ix[st], sku_ix[sk], np.log(pr), pm, *week_sin_cos(wk), u])
    return np.asarray(rows, dtype=np.float32)


def split_batch(block: np.ndarray) -> Dict[str, torch.Tensor]:
    return {
        "store": to_tensor(block[:, 0]),
        "sku": to_tensor(block[:, 1]),
        "dense": to_tensor(block[:, 2:6]),
        "units": to_tensor(block[:, 6]),
    }


# ------------------------------------------------------------------ models
class Forecaster(Protocol):
    def __call__(self, batch: Dict[str, torch.Tensor]) -> torch.Tensor: ...


class EmbeddingDemandNet(nn.Module):
    def __init__(self, n_stores: int, n_skus: int, n_dense: int = 4, dim: int = 16):
        super().__init__()
        self.store_emb = nn.Embedding(n_stores, dim)
        self.sku_emb = nn.Embedding(n_skus, dim)
        self.mlp = nn.Sequential(nn.Linear(2 * dim + n_dense, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, batch):
        z = torch.cat([self.store_emb(batch["store"]), self.sku_emb(batch["sku"]), batch["dense"]], -1)
        return nn.functional.softplus(self.mlp(z).squeeze(-1))


def train_epoch(model: Forecaster, opt, data: np.ndarray, bs: int, rng) -> float:
    losses = []
    for block in batched(data, bs, rng):
        batch = split_batch(block)
        pred = model(batch)
        loss = nn.functional.poisson_nll_loss(pred, batch["units"], log_input=False)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return float(np.mean(losses))


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--holdout", type=float, default=0.2)
    args = ap.parse_args(argv)

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    log = simulate_sales()
    store_ix, sku_ix = build_index(log.store), build_index(log.sku)
    data = feature_matrix(log, store_ix, sku_ix)
    n_val = int(len(data) * args.holdout)
    train, val = data[n_val:], data[:n_val]
    print(f"{len(train)} train rows, {len(store_ix)} stores, {len(sku_ix)} skus")

    model = EmbeddingDemandNet(len(store_ix), len(sku_ix))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for ep in range(args.epochs):
        tr = train_epoch(model, opt, train, args.batch_size, rng)
        with torch.no_grad():
            vb = split_batch(val)
            mae = (model(vb) - vb["units"]).abs().mean().item()
        print(f"epoch {ep}: train nll {tr:.3f}  val mae {mae:.3f}")


if __name__ == "__main__":
    main(["--batch-size", "128", "--epochs", "3", "--holdout", "0.2"])
