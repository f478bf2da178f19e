"""Kitchen prep-time regressor: predicts minutes from order-ready to handoff, per restaurant ticket."""
from __future__ import annotations

import csv
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(message)s")
LOG = logging.getLogger("prep_time")

CONFIG: Dict[str, object] = {
    "seed": 11,
    "workdir": Path(__file__).resolve().parent,
    "n_tickets": 1350,
    "val_fraction": 0.2,
    "cuisines": ["pizza", "sushi", "burger", "thai", "salad", "indian"],
    "batch_size": 64,
    "epochs": 4,
    "max_lr": 5e-3,
    "hidden": 64,
}

NUMERIC = ["n_items", "kitchen_load", "hour_of_day", "is_weekend"]


@dataclass(frozen=True)
class TrainPlan:
    epochs: int
    steps_per_epoch: int
    max_lr: float

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch


def generate_tickets(path: Path, n: int, rng: np.random.Generator) -> Path:
    base = {c: 6.0 + 3.0 * i for i, c in enumerate(CONFIG["cuisines"])}
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["cuisine", *NUMERIC, "prep_minutes"])
        for _ in range(n):
            cuisine = str(rng.choice(CONFIG["cuisines"]))
            items = int(rng.integers(1, 9))
            load = float(rng.uniform(0, 1))
            hour = int(rng.integers(10, 24))
            weekend = int(rng.random() < 2 / 7)
            minutes = base[cuisine] + 1.7 * items + 9 * load ** 2 + 2.5 * weekend + rng.normal(0, 1.5)
            w.writerow([cuisine, items, round(load, 3), hour, weekend, round(max(minutes, 2.0), 2)])
    return path


def read_features(path: Path) -> Tuple[np.ndarray, np.ndarray]:
    cuisine_idx = {c: i for i, c in enumerate(CONFIG["cuisines"])}
    feats: List[List[float]] = []
    target: List[float] = []
    with path.open() as fh:
        for row in csv.DictReader(fh):
            onehot = [0.0] * len(cuisine_idx)
            onehot[cuisine_idx[row["cuisine"]]] = 1.0
            hour = float(row["hour_of_day"])
            cyc = [math.sin(2 * math.pi * hour / 24), math.cos(2 * math.pi * hour / 24)]
            nums = [float(row["n_items"]) / 8, float(row["kitchen_load"]), float(row["is_weekend"])]
            feats.append(onehot + cyc + nums)
            target.append(float(row["prep_minutes"]))
    return np.asarray(feats, dtype=np.float32), np.asarray(target, dtype=np.float32)


def make_model(n_in: int, hidden: int) -> nn.Module:
    return nn.Sequential(nn.Linear(n_in, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, 1))


class Trainer:
    def __init__(self, model: nn.Module, plan: TrainPlan) -> None:
        self.model = model
        self.plan = plan
        self.optim = torch.optim.AdamW(model.parameters(), lr=plan.max_lr, weight_decay=1e-4)
        self.sched = torch.optim.lr_scheduler.OneCycleLR(
            self.optim, max_lr=plan.max_lr, epochs=plan.epochs, steps_per_epoch=plan.steps_per_epoch
        )
        self.loss_fn = nn.HuberLoss(delta=2.0)

    def fit_epoch(self, loader: DataLoader) -> float:
        self.model.train()
        total, seen = 0.0, 0
        for x, y in loader:
            loss = self.loss_fn(self.model(x).squeeze(-1), y)
            self.optim.zero_grad()
            loss.backward()
            self.optim.step()
            self.sched.step()
            total += loss.item() * len(y)
            seen += len(y)
        return total / seen

    @torch.no_grad()
    def mae(self, loader: DataLoader) -> float:
        self.model.eval()
        errs = [torch.abs(self.model(x).squeeze(-1) - y) for x, y in loader]
        return torch.cat(errs).mean().item()


def main() -> None:
    torch.manual_seed(CONFIG["seed"])
    rng = np.random.default_rng(CONFIG["seed"])
    csv_path = generate_tickets(CONFIG["workdir"] / "kitchen_tickets.csv", CONFIG["n_tickets"], rng)
    X, y = read_features(csv_path)
    LOG.info("features %s, mean prep %.1f min", X.shape, y.mean())

    full = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    n_val = int(len(full) * CONFIG["val_fraction"])
    train_ds, val_ds = random_split(full, [len(full) - n_val, n_val], generator=torch.Generator().manual_seed(0))
    train_dl = DataLoader(train_ds, batch_size=CONFIG["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=256)

    plan = TrainPlan(
        epochs=CONFIG["epochs"],
        steps_per_epoch=len(train_dl),
        max_lr=CONFIG["max_lr"],
    )
    LOG.info("plan: %d epochs x %d steps = %d", plan.epochs, plan.steps_per_epoch, plan.total_steps)
    trainer = Trainer(make_model(X.shape[1], CONFIG["hidden"]), plan)

    for epoch in range(plan.epochs):
        train_loss = trainer.fit_epoch(train_dl)
        LOG.info("epoch %d train_huber %.3f val_mae %.2f min", epoch, train_loss, trainer.mae(val_dl))


if __name__ == "__main__":
    main()
