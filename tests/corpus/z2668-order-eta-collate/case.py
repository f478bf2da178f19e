"""Train a small ETA regressor on basket composition for the delivery dispatch service."""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("eta_trainer")

CONFIG: Dict[str, object] = {
    "seed": 7,
    "n_orders": 240,
    "n_menu_items": 180,
    "max_items_per_order": 9,
    "embed_dim": 24,
    "hidden_dim": 48,
    "batch_size": 16,
    "epochs": 2,
    "lr": 3e-3,
    "pad_id": 0,
    "artifact_dir": Path(__file__).resolve().parent / "artifacts",
}


@dataclass(frozen=True)
class Order:
    order_id: int
    restaurant_id: int
    item_ids: List[int]
    quantities: List[int]
    distance_km: float
    eta_minutes: float


def synth_orders(n: int, n_items: int, max_items: int, rng: random.Random) -> List[Order]:
    orders: List[Order] = []
    for oid in range(n):
        k = rng.randint(1, max_items)
        items = [rng.randint(1, n_items - 1) for _ in range(k)]
        qty = [rng.randint(1, 4) for _ in range(k)]
        dist = round(rng.uniform(0.3, 8.0), 2)
        eta = 12.0 + 2.5 * dist + 1.2 * sum(qty) + rng.gauss(0.0, 2.0)
        orders.append(Order(oid, rng.randint(1, 30), items, qty, dist, eta))
    return orders


class OrderDataset(Dataset):
    def __init__(self, orders: List[Order]) -> None:
        self.orders = orders

    def __len__(self) -> int:
        return len(self.orders)

    def __getitem__(self, idx: int) -> Dict[str, torch.Tensor]:
        o = self.orders[idx]
        return {
            "item_ids": torch.tensor(o.item_ids, dtype=torch.long),
            "quantities": torch.tensor(o.quantities, dtype=torch.float32),
            "distance_km": torch.tensor([o.distance_km], dtype=torch.float32),
            "eta_minutes": torch.tensor(o.eta_minutes, dtype=torch.float32),
        }


def collate_orders(batch: List[Dict[str, torch.Tensor]]) -> Dict[str, torch.Tensor]:
    pad_id = int(CONFIG["pad_id"])
    item_ids = pad_sequence([b["item_ids"] for b in batch], batch_first=True, padding_value=pad_id)
    quantities = torch.stack([b["quantities"] for b in batch])
    return {
        "item_ids": item_ids,
        "quantities": quantities,
        "item_mask": item_ids.ne(pad_id),
        "distance_km": torch.stack([b["distance_km"] for b in batch]),
        "eta_minutes": torch.stack([b["eta_minutes"] for b in batch]),
    }


class BasketEtaModel(nn.Module):
    def __init__(self, n_items: int, embed_dim: int, hidden_dim: int, pad_id: int) -> None:
        super().__init__()
        self.item_emb = nn.Embedding(n_items, embed_dim, padding_idx=pad_id)
        self.head = nn.Sequential(
            nn.Linear(embed_dim + 1, hidden_dim),
            nn.ReLU(),
            nn.Linear(hidden_dim, 1),
        )

    def forward(self, batch: Dict[str, torch.Tensor]) -> torch.Tensor:
        emb = self.item_emb(batch["item_ids"])
        weights = batch["quantities"] * batch["item_mask"].float()
        pooled = (emb * weights.unsqueeze(-1)).sum(1) / weights.sum(1, keepdim=True).clamp(min=1.0)
        feats = torch.cat([pooled, batch["distance_km"]], dim=-1)
        return self.head(feats).squeeze(-1)


def split_orders(orders: List[Order], frac: float) -> tuple[List[Order], List[Order]]:
    cut = int(len(orders) * frac)
    return orders[:cut], orders[cut:]


def run_epoch(model: nn.Module, loader: DataLoader, optim: torch.optim.Optimizer | None) -> float:
    loss_fn = nn.SmoothL1Loss()
    total, count = 0.0, 0
    model.train(optim is not None)
    for batch in loader:
        with torch.set_grad_enabled(optim is not None):
            pred = model(batch)
            loss = loss_fn(pred, batch["eta_minutes"])
        if optim is not None:
            optim.zero_grad()
            loss.backward()
            optim.step()
        total += loss.item() * pred.shape[0]
        count += pred.shape[0]
    return total / max(count, 1)


def main() -> None:
    rng = random.Random(int(CONFIG["seed"]))
    torch.manual_seed(int(CONFIG["seed"]))
    orders = synth_orders(
        int(CONFIG["n_orders"]), int(CONFIG["n_menu_items"]), int(CONFIG["max_items_per_order"]), rng
    )
    train_orders, val_orders = split_orders(orders, 0.8)
    log.info("orders: train=%d val=%d", len(train_orders), len(val_orders))

    train_loader = DataLoader(
        OrderDataset(train_orders), batch_size=int(CONFIG["batch_size"]), shuffle=True, collate_fn=collate_orders
    )
    val_loader = DataLoader(
        OrderDataset(val_orders), batch_size=int(CONFIG["batch_size"]), shuffle=False, collate_fn=collate_orders
    )

    model = BasketEtaModel(
        int(CONFIG["n_menu_items"]), int(CONFIG["embed_dim"]), int(CONFIG["hidden_dim"]), int(CONFIG["pad_id"])
    )
    optim = torch.optim.AdamW(model.parameters(), lr=float(CONFIG["lr"]))

    for epoch in range(int(CONFIG["epochs"])):
        train_loss = run_epoch(model, train_loader, optim)
        val_loss = run_epoch(model, val_loader, None)
        log.info("epoch %d train=%.3f val=%.3f", epoch, train_loss, val_loss)

    out_dir: Path = CONFIG["artifact_dir"]  # type: ignore[assignment]
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), out_dir / "basket_eta.pt")
    log.info("saved model to %s", out_dir)


if __name__ == "__main__":
    main()
