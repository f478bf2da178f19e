"""Train a small classifier that predicts the delivery-delay bucket of a restaurant order."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("delay_buckets")

CONFIG: Dict = {
    "seed": 7,
    "n_orders": 1500,
    "delay_edges_min": [5.0, 10.0, 20.0, 35.0],
    "batch_size": 64,
    "epochs": 3,
    "lr": 3e-3,
    "hidden": 48,
    "val_fraction": 0.2,
    "report_path": Path(__file__).with_name("delay_report.txt"),
}

FEATURES: List[str] = [
    "prep_minutes",
    "courier_distance_km",
    "basket_items",
    "is_rush_hour",
    "rain_mm",
    "restaurant_load",
]


def simulate_orders(n: int, rng: np.random.Generator) -> np.ndarray:
    prep = rng.gamma(shape=4.0, scale=3.0, size=n)
    distance = rng.uniform(0.3, 9.0, size=n)
    items = rng.integers(1, 12, size=n).astype(np.float64)
    rush = rng.binomial(1, 0.35, size=n).astype(np.float64)
    rain = np.clip(rng.normal(0.5, 2.0, size=n), 0.0, None)
    load = rng.beta(2.0, 3.0, size=n)
    return np.stack([prep, distance, items, rush, rain, load], axis=1)


def delay_minutes(feats: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    prep, distance, items, rush, rain, load = feats.T
    base = 0.6 * prep + 2.2 * distance + 0.4 * items + 6.0 * rush + 1.5 * rain + 14.0 * load
    return np.clip(base - 12.0 + rng.normal(0.0, 4.0, size=len(base)), 0.0, None)


def bucketize(delays: np.ndarray, edges: List[float]) -> np.ndarray:
    return np.digitize(delays, np.asarray(edges)).astype(np.int64)


def standardize(train: np.ndarray, other: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    mu = train.mean(axis=0, keepdims=True)
    sigma = train.std(axis=0, keepdims=True) + 1e-6
    return (train - mu) / sigma, (other - mu) / sigma


def split_indices(n: int, val_fraction: float, rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(n)
    cut = int(n * (1.0 - val_fraction))
    return order[:cut], order[cut:]


def make_loader(x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool) -> DataLoader:
    ds = TensorDataset(torch.from_numpy(x).float(), torch.from_numpy(y))
    return DataLoader(ds, batch_size=batch_size, shuffle=shuffle)


class DelayBucketNet(nn.Module):
    def __init__(self, n_features: int, hidden: int, n_buckets: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features, hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
        )
        self.head = nn.Linear(hidden, n_buckets)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def train_epoch(model: nn.Module, loader: DataLoader, opt: torch.optim.Optimizer) -> float:
    model.train()
    total, seen = 0.0, 0
    for xb, yb in loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(yb)
        seen += len(yb)
    return total / max(seen, 1)


@torch.no_grad()
def evaluate(model: nn.Module, loader: DataLoader) -> float:
    model.eval()
    correct, seen = 0, 0
    for xb, yb in loader:
        correct += (model(xb).argmax(dim=-1) == yb).sum().item()
        seen += len(yb)
    return correct / max(seen, 1)


def write_report(path: Path, history: List[Tuple[int, float, float]]) -> None:
    lines = [f"epoch={e} loss={l:.4f} val_acc={a:.3f}" for e, l, a in history]
    path.write_text("\n".join(lines) + "\n")
    log.info("report written to %s", path)


def main() -> None:
    rng = np.random.default_rng(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])

    feats = simulate_orders(CONFIG["n_orders"], rng)
    buckets = bucketize(delay_minutes(feats, rng), CONFIG["delay_edges_min"])
    log.info("bucket histogram: %s", np.bincount(buckets).tolist())

    train_idx, val_idx = split_indices(len(feats), CONFIG["val_fraction"], rng)
    x_train, x_val = standardize(feats[train_idx], feats[val_idx])
    train_loader = make_loader(x_train, buckets[train_idx], CONFIG["batch_size"], shuffle=True)
    val_loader = make_loader(x_val, buckets[val_idx], CONFIG["batch_size"], shuffle=False)

    n_buckets = len(CONFIG["delay_edges_min"]) + 1
    model = DelayBucketNet(len(FEATURES), CONFIG["hidden"], n_buckets)
    opt = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])

    history: List[Tuple[int, float, float]] = []
    for epoch in range(1, CONFIG["epochs"] + 1):
        loss = train_epoch(model, train_loader, opt)
        acc = evaluate(model, val_loader)
        log.info("epoch %d loss %.4f val_acc %.3f", epoch, loss, acc)
        history.append((epoch, loss, acc))

    write_report(CONFIG["report_path"], history)


if __name__ == "__main__":
    main()
