"""Predict total route duration (minutes) for courier multi-drop routes from the zone sequence."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
logger = logging.getLogger("route_eta")

CONFIG: Dict[str, object] = {
    "seed": 7,
    "n_zones": 40,
    "max_stops": 12,
    "min_stops": 3,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 16,
    "n_routes": 256,
    "lr": 1e-3,
    "epochs": 2,
    "out_dir": Path(__file__).resolve().parent / "artifacts",
}

PAD_ZONE = 0
DEPOT_ZONE = 1
FIRST_REAL_ZONE = 2


@dataclass
class Route:
    route_id: str
    zones: List[int]
    service_minutes: List[float] = field(default_factory=list)
    duration: float = 0.0


def simulate_routes(n: int, rng: np.random.Generator) -> List[Route]:
    routes: List[Route] = []
    for i in range(n):
        n_stops = int(rng.integers(CONFIG["min_stops"], CONFIG["max_stops"] + 1))
        zones = rng.integers(FIRST_REAL_ZONE, CONFIG["n_zones"], size=n_stops).tolist()
        service = rng.gamma(2.0, 2.5, size=n_stops).round(1).tolist()
        travel = float(np.abs(np.diff([DEPOT_ZONE] + zones + [DEPOT_ZONE])).sum()) * 0.8
        routes.append(Route(f"R{i:05d}", zones, service, travel + sum(service)))
    return routes


def with_depot(zones: List[int]) -> List[int]:
    return [DEPOT_ZONE] + zones + [DEPOT_ZONE]


class RouteDataset(Dataset):
    def __init__(self, routes: Iterable[Route]) -> None:
        self.items = [(with_depot(r.zones), [0.0] + r.service_minutes + [0.0], r.duration) for r in routes]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, idx: int):
        return self.items[idx]


def pad_routes(batch) -> Dict[str, torch.Tensor]:
    longest = max(len(z) for z, _, _ in batch)
    zones = torch.full((len(batch), longest), PAD_ZONE, dtype=torch.long)
    service = torch.zeros((len(batch), longest), dtype=torch.float32)
    for i, (z, s, _) in enumerate(batch):
        zones[i, : len(z)] = torch.as_tensor(z)
        service[i, : len(s)] = torch.as_tensor(s)
    target = torch.tensor([d for _, _, d in batch], dtype=torch.float32)
    return {"zones": zones, "service": service, "pad": zones.eq(PAD_ZONE), "target": target}


class RouteEncoder(nn.Module):
    def __init__(self, n_zones: int, max_stops: int, d_model: int, n_heads: int, n_layers: int) -> None:
        super().__init__()
        self.zone_emb = nn.Embedding(n_zones, d_model, padding_idx=PAD_ZONE)
        self.stop_position = nn.Embedding(max_stops + 2, d_model)
        self.service_proj = nn.Linear(1, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=2 * d_model, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, 1)

    def forward(self, zones: torch.Tensor, service: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(zones.size(1), device=zones.device).unsqueeze(0).expand_as(zones)
        h = self.zone_emb(zones) + self.stop_position(positions) + self.service_proj(service.unsqueeze(-1))
        h = self.encoder(h, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def run_epoch(model: RouteEncoder, loader: DataLoader, optim: torch.optim.Optimizer) -> float:
    model.train()
    losses: List[float] = []
    for batch in loader:
        pred = model(batch["zones"], batch["service"], batch["pad"])
        loss = nn.functional.smooth_l1_loss(pred, batch["target"])
        optim.zero_grad()
        loss.backward()
        optim.step()
        losses.append(loss.item())
    return float(np.mean(losses))


def save_summary(out_dir: Path, history: List[float]) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "train_summary.json"
    path.write_text(json.dumps({"loss_by_epoch": history}, indent=2))
    return path


def main() -> None:
    torch.manual_seed(CONFIG["seed"])
    rng = np.random.default_rng(CONFIG["seed"])
    routes = simulate_routes(CONFIG["n_routes"], rng)
    stops = [len(r.zones) for r in routes]
    logger.info("simulated %d routes, stops min=%d max=%d", len(routes), min(stops), max(stops))

    loader = DataLoader(RouteDataset(routes), batch_size=CONFIG["batch_size"], shuffle=True, collate_fn=pad_routes)
    model = RouteEncoder(CONFIG["n_zones"], CONFIG["max_stops"], CONFIG["d_model"],
                         CONFIG["n_heads"], CONFIG["n_layers"])
    optim = torch.optim.Adam(model.parameters(), lr=CONFIG["lr"])

    history = []
    for epoch in range(CONFIG["epochs"]):
        history.append(run_epoch(model, loader, optim))
        logger.info("epoch %d loss %.3f", epoch, history[-1])
    logger.info("wrote %s", save_summary(CONFIG["out_dir"], history))


if __name__ == "__main__":
    main()
