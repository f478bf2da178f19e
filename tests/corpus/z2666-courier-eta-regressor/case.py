"""Regress courier door-to-door ETA (minutes) from dispatch-time trip features."""
from __future__ import annotations

import csv
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("courier_eta")

CONFIG: Dict = {
    "seed": 3,
    "n_trips": 800,
    "batch_size": 32,
    "epochs": 4,
    "lr": 2e-3,
    "hidden": 64,
    "trips_csv": Path(__file__).with_name("trips.csv"),
}

NUMERIC_COLUMNS: List[str] = [
    "pickup_km",
    "dropoff_km",
    "courier_speed_kmh",
    "stack_size",
    "building_floor",
    "restaurant_wait_min",
    "traffic_index",
]


@dataclass
class Trip:
    pickup_km: float
    dropoff_km: float
    courier_speed_kmh: float
    stack_size: float
    building_floor: float
    restaurant_wait_min: float
    traffic_index: float
    dispatch_hour: float
    eta_min: float


def write_synthetic_trips(path: Path, n: int, rng: np.random.Generator) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(NUMERIC_COLUMNS + ["dispatch_hour", "eta_min"])
        for _ in range(n):
            pickup, dropoff = rng.uniform(0.2, 4.0), rng.uniform(0.5, 8.0)
            speed, stack = rng.uniform(12.0, 28.0), float(rng.integers(1, 4))
            floor, wait = float(rng.integers(0, 15)), rng.exponential(4.0)
            traffic, hour = rng.uniform(0.5, 1.8), float(rng.integers(10, 24))
            eta = 60.0 * (pickup + dropoff) * traffic / speed + wait + 0.5 * floor + 3.0 * (stack - 1)
            writer.writerow([pickup, dropoff, speed, stack, floor, wait, traffic, hour, eta + rng.normal(0, 2)])


def load_trips(path: Path) -> List[Trip]:
    with path.open() as fh:
        return [Trip(**{k: float(v) for k, v in row.items()}) for row in csv.DictReader(fh)]


def hour_encoding(hour: float) -> List[float]:
    angle = 2.0 * math.pi * hour / 24.0
    return [math.sin(angle), math.cos(angle)]


def trip_features(trip: Trip) -> List[float]:
    numeric = [getattr(trip, col) for col in NUMERIC_COLUMNS]
    return numeric + hour_encoding(trip.dispatch_hour)


class TripDataset(Dataset):
    def __init__(self, trips: Sequence[Trip]) -> None:
        feats = np.array([trip_features(t) for t in trips], dtype=np.float32)
        self.mean, self.std = feats.mean(axis=0), feats.std(axis=0) + 1e-6
        self.x = torch.from_numpy((feats - self.mean) / self.std)
        self.y = torch.tensor([t.eta_min for t in trips], dtype=torch.float32)

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, idx: int) -> Dict[str, torch.Tensor]:
        return {"features": self.x[idx], "eta": self.y[idx]}


class EtaRegressor(nn.Module):
    def __init__(self, in_features: int, hidden: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.GELU(),
            nn.LayerNorm(hidden),
            nn.Linear(hidden, hidden // 2),
            nn.GELU(),
            nn.Linear(hidden // 2, 1),
        )

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net(features).squeeze(-1)


def fit(model: EtaRegressor, loader: DataLoader, epochs: int, lr: float) -> List[float]:
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.HuberLoss(delta=5.0)
    history: List[float] = []
    for epoch in range(epochs):
        running = 0.0
        for batch in loader:
            opt.zero_grad()
            loss = loss_fn(model(batch["features"]), batch["eta"])
            loss.backward()
            opt.step()
            running += loss.item()
        history.append(running / len(loader))
        log.info("epoch %d huber %.3f", epoch, history[-1])
    return history


def main() -> None:
    rng = np.random.default_rng(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])

    csv_path: Path = CONFIG["trips_csv"]
    write_synthetic_trips(csv_path, CONFIG["n_trips"], rng)
    trips = load_trips(csv_path)
    log.info("loaded %d trips from %s", len(trips), csv_path.name)

    dataset = TripDataset(trips)
    loader = DataLoader(dataset, batch_size=CONFIG["batch_size"], shuffle=True)

    model = EtaRegressor(in_features=len(NUMERIC_COLUMNS), hidden=CONFIG["hidden"])
    history = fit(model, loader, CONFIG["epochs"], CONFIG["lr"])
    log.info("final huber loss %.3f", history[-1])
    csv_path.unlink()


if __name__ == "__main__":
    main()
