"""Fit a kitchen prep-time model from the daily ticket export and write a per-station report."""
from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s | %(message)s")
logger = logging.getLogger("prep_time")

BASE_DIR = Path(__file__).resolve().parent

CONFIG: Dict[str, object] = {
    "seed": 99,
    "n_tickets": 500,
    "stations": ["grill", "fryer", "wok", "cold", "pastry"],
    "batch_size": 32,
    "epochs": 3,
    "max_lr": 2e-2,
    "tickets_csv": BASE_DIR / "tickets.csv",
    "report_csv": BASE_DIR / "station_report.csv",
}

FEATURES = ["n_items", "rush_hour", "staff_on_shift", "station_idx"]


def export_tickets(path: Path, n: int, stations: List[str], rng: np.random.Generator) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["ticket_id", *FEATURES, "prep_minutes"])
        for tid in range(n):
            n_items = int(rng.integers(1, 8))
            rush = int(rng.random() < 0.3)
            staff = int(rng.integers(2, 7))
            station = int(rng.integers(len(stations)))
            minutes = 4 + 1.7 * n_items + 5 * rush - 0.8 * staff + 1.5 * station + rng.normal(0, 1.0)
            writer.writerow([tid, n_items, rush, staff, station, round(float(minutes), 2)])
    return path


def load_tickets(path: Path) -> Tuple[np.ndarray, np.ndarray]:
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    x = np.array([[float(r[f]) for f in FEATURES] for r in rows], dtype=np.float32)
    y = np.array([float(r["prep_minutes"]) for r in rows], dtype=np.float32)
    return x, y


def standardize(x: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    mu, sigma = x.mean(axis=0), x.std(axis=0) + 1e-6
    return (x - mu) / sigma, mu, sigma


def make_loader(x: np.ndarray, y: np.ndarray, batch_size: int) -> DataLoader:
    ds = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    return DataLoader(ds, batch_size=batch_size, shuffle=True)


def build_regressor(n_features: int) -> nn.Module:
    return nn.Sequential(nn.Linear(n_features, 32), nn.GELU(), nn.Linear(32, 16), nn.GELU(), nn.Linear(16, 1))


def fit(model: nn.Module, loader: DataLoader, n_samples: int) -> List[float]:
    epochs = int(CONFIG["epochs"])
    steps_per_epoch = n_samples // int(CONFIG["batch_size"])
    optimizer = torch.optim.SGD(model.parameters(), lr=float(CONFIG["max_lr"]), momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=float(CONFIG["max_lr"]), epochs=epochs, steps_per_epoch=steps_per_epoch
    )
    loss_fn = nn.MSELoss()
    epoch_losses: List[float] = []
    for epoch in range(epochs):
        batch_losses = []
        for xb, yb in loader:
            loss = loss_fn(model(xb).squeeze(-1), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            batch_losses.append(loss.item())
        epoch_losses.append(float(np.mean(batch_losses)))
        logger.info("epoch %d mse=%.3f lr=%.5f", epoch, epoch_losses[-1], scheduler.get_last_lr()[0])
    return epoch_losses


def station_report(model: nn.Module, x_std: np.ndarray, x_raw: np.ndarray, stations: List[str]) -> List[dict]:
    with torch.no_grad():
        preds = model(torch.from_numpy(x_std)).squeeze(-1).numpy()
    station_col = x_raw[:, FEATURES.index("station_idx")].astype(int)
    return [
        {"station": name, "tickets": int((station_col == i).sum()), "mean_pred_min": round(float(preds[station_col == i].mean()), 2)}
        for i, name in enumerate(stations)
    ]


def write_report(rows: List[dict], path: Path) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    logger.info("wrote %d station rows to %s", len(rows), path.name)


def main() -> None:
    rng = np.random.default_rng(int(CONFIG["seed"]))
    torch.manual_seed(int(CONFIG["seed"]))
    stations: List[str] = CONFIG["stations"]  # type: ignore[assignment]

    csv_path = export_tickets(CONFIG["tickets_csv"], int(CONFIG["n_tickets"]), stations, rng)
    x_raw, y = load_tickets(csv_path)
    x_std, _, _ = standardize(x_raw)
    logger.info("loaded %d tickets with %d features", *x_std.shape)

    loader = make_loader(x_std, y, int(CONFIG["batch_size"]))
    model = build_regressor(x_std.shape[1])
    fit(model, loader, len(x_std))

    write_report(station_report(model, x_std, x_raw, stations), CONFIG["report_csv"])


if __name__ == "__main__":
    main()
