"""Score candidate orders for each idle courier and learn which one dispatch actually assigned."""
from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(levelname)s] %(message)s")
log = logging.getLogger("dispatch_ranker")

CONFIG: Dict[str, object] = {
    "seed": 2024,
    "data_path": Path(__file__).resolve().parent / "dispatch_snapshots.csv",
    "n_snapshots": 300,
    "max_candidates": 10,
    "order_features": ["pickup_km", "dropoff_km", "prep_minutes_left", "basket_eur", "is_priority"],
    "courier_features": ["shift_minutes_left", "vehicle_speed_kmh"],
    "hidden": 48,
    "batch_size": 32,
    "steps": 40,
    "lr": 2e-3,
}


def write_snapshots(path: Path, n: int, rng: np.random.Generator) -> None:
    cols = ["snapshot_id", "candidate_rank", *CONFIG["courier_features"], *CONFIG["order_features"], "assigned"]
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(cols)
        for sid in range(n):
            k = int(rng.integers(2, CONFIG["max_candidates"] + 1))
            courier = [float(rng.uniform(20, 240)), float(rng.choice([15.0, 22.0, 35.0]))]
            orders = np.column_stack([
                rng.uniform(0.2, 6.0, k), rng.uniform(0.5, 9.0, k), rng.uniform(-5, 25, k),
                rng.uniform(8, 90, k), rng.integers(0, 2, k),
            ])
            cost = orders[:, 0] + 0.4 * orders[:, 1] + 0.1 * np.abs(orders[:, 2]) - 1.5 * orders[:, 4]
            chosen = int(np.argmin(cost))
            for r in range(k):
                writer.writerow([sid, r, *courier, *orders[r].round(3).tolist(), int(r == chosen)])


def load_snapshots(path: Path) -> List[Tuple[np.ndarray, np.ndarray, int]]:
    grouped: Dict[str, List[Dict[str, str]]] = {}
    with path.open() as fh:
        for row in csv.DictReader(fh):
            grouped.setdefault(row["snapshot_id"], []).append(row)
    out = []
    for rows in grouped.values():
        courier = np.array([float(rows[0][c]) for c in CONFIG["courier_features"]], dtype=np.float32)
        orders = np.array([[float(r[c]) for c in CONFIG["order_features"]] for r in rows], dtype=np.float32)
        target = next(i for i, r in enumerate(rows) if r["assigned"] == "1")
        out.append((courier, orders, target))
    return out


def to_batch(samples: List[Tuple[np.ndarray, np.ndarray, int]], max_k: int) -> Dict[str, torch.Tensor]:
    n_feat = samples[0][1].shape[1]
    orders = np.zeros((len(samples), max_k, n_feat), dtype=np.float32)
    is_padding = np.ones((len(samples), max_k), dtype=np.uint8)
    couriers = np.stack([c for c, _, _ in samples])
    for i, (_, o, _) in enumerate(samples):
        orders[i, : len(o)] = o
        is_padding[i, : len(o)] = 0
    return {
        "courier": torch.from_numpy(couriers),
        "orders": torch.from_numpy(orders),
        "is_padding": torch.from_numpy(is_padding),
        "target": torch.tensor([t for _, _, t in samples], dtype=torch.long),
    }


def batch_stream(data, batch_size: int, rng: np.random.Generator) -> Iterator[Dict[str, torch.Tensor]]:
    while True:
        idx = rng.permutation(len(data))
        for start in range(0, len(idx) - batch_size + 1, batch_size):
            yield to_batch([data[j] for j in idx[start:start + batch_size]], CONFIG["max_candidates"])


class CandidateScorer(nn.Module):
    def __init__(self, n_courier: int, n_order: int, hidden: int) -> None:
        super().__init__()
        self.courier_net = nn.Sequential(nn.Linear(n_courier, hidden), nn.ReLU())
        self.order_net = nn.Sequential(nn.Linear(n_order, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
        self.norm = nn.LayerNorm(hidden)

    def forward(self, courier: torch.Tensor, orders: torch.Tensor, is_padding: torch.Tensor) -> torch.Tensor:
        c = self.norm(self.courier_net(courier)).unsqueeze(1)
        o = self.norm(self.order_net(orders))
        logits = (c * o).sum(-1) / o.size(-1) ** 0.5
        return logits.masked_fill(is_padding, float("-inf"))


def standardise(data):
    all_orders = np.concatenate([o for _, o, _ in data])
    all_couriers = np.stack([c for c, _, _ in data])
    om, os_ = all_orders.mean(0), all_orders.std(0) + 1e-6
    cm, cs = all_couriers.mean(0), all_couriers.std(0) + 1e-6
    return [((c - cm) / cs, (o - om) / os_, t) for c, o, t in data]


def main() -> None:
    rng = np.random.default_rng(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])
    path: Path = CONFIG["data_path"]
    write_snapshots(path, CONFIG["n_snapshots"], rng)
    data = standardise(load_snapshots(path))
    log.info("loaded %d dispatch snapshots from %s", len(data), path.name)

    model = CandidateScorer(len(CONFIG["courier_features"]), len(CONFIG["order_features"]), CONFIG["hidden"])
    optim = torch.optim.Adam(model.parameters(), lr=CONFIG["lr"])
    stream = batch_stream(data, CONFIG["batch_size"], rng)

    for step in range(CONFIG["steps"]):
        batch = next(stream)
        logits = model(batch["courier"], batch["orders"], batch["is_padding"])
        loss = F.cross_entropy(logits, batch["target"])
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 10 == 0:
            acc = (logits.argmax(-1) == batch["target"]).float().mean().item()
            log.info("step %02d loss %.4f top1 %.3f", step, loss.item(), acc)
    log.info("training finished")


if __name__ == "__main__":
    main()
