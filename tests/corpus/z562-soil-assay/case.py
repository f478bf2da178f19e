"""Soil fertility grading from lab assays.

Predicts a fertility grade (low / medium / high) from pH, nitrate, phosphorus and moisture readings,
with a learned embedding for the sampling site so per-field drift can be absorbed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Dict, Iterator, List, Sequence

import torch
from torch import nn

logger = logging.getLogger(__name__)

GRADES = ("low", "medium", "high")
SITES = ("north_paddock", "river_flat", "orchard_block", "hill_terrace")

# site, pH, nitrate mg/kg, phosphorus mg/kg, moisture %, grade
ASSAYS: List[tuple] = [
    ("north_paddock", 6.4, 22.0, 31.0, 18.5, "medium"),
    ("river_flat", 7.1, 41.0, 48.0, 27.0, "high"),
    ("orchard_block", 5.2, 9.5, 12.0, 11.0, "low"),
    ("hill_terrace", 5.8, 14.0, 19.0, 9.5, "low"),
    ("river_flat", 6.9, 36.0, 44.0, 25.5, "high"),
    ("north_paddock", 6.1, 18.0, 27.5, 16.0, "medium"),
    ("orchard_block", 6.6, 25.0, 33.0, 20.0, "medium"),
    ("hill_terrace", 7.0, 38.0, 40.0, 22.0, "high"),
]


@dataclass
class AssayConfig:
    """Model and optimisation settings."""

    site_dim: int = 4
    hidden: int = 16
    batch_size: int = 4
    epochs: int = 20
    lr: float = 1e-2
    seed: int = 3


class AssayDataModule:
    """Encodes assay rows into one numeric table and serves standardised batches."""

    def __init__(self, cfg: AssayConfig, rows: Sequence[tuple]) -> None:
        self.cfg = cfg
        encoded = [[SITES.index(r[0]), *r[1:5]] for r in rows]
        self.table = torch.tensor(encoded, dtype=torch.float32)
        self.grade = torch.tensor([GRADES.index(r[5]) for r in rows], dtype=torch.long)
        readings = self.table[:, 1:]
        self.mean, self.std = readings.mean(0), readings.std(0)

    @property
    def n_readings(self) -> int:
        return self.table.shape[1] - 1

    def batches(self) -> Iterator[Dict[str, torch.Tensor]]:
        perm = torch.randperm(len(self.table))
        for chunk in perm.split(self.cfg.batch_size):
            block = self.table[chunk]
            yield {
                "site": block[:, 0],
                "readings": (block[:, 1:] - self.mean) / self.std,
                "grade": self.grade[chunk],
            }


class FertilityNet(nn.Module):
    """Site embedding concatenated with standardised readings, then a small MLP."""

    def __init__(self, cfg: AssayConfig, n_readings: int) -> None:
        super().__init__()
        self.site_emb = nn.Embedding(len(SITES), cfg.site_dim)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.site_dim + n_readings, cfg.hidden),
            nn.ReLU(),
            nn.Linear(cfg.hidden, len(GRADES)),
        )

    def forward(self, site: torch.Tensor, readings: torch.Tensor) -> torch.Tensor:
        feats = torch.cat([self.site_emb(site), readings], dim=-1)
        return self.mlp(feats)


def train(cfg: AssayConfig) -> FertilityNet:
    """Train the grading model and log the loss every few epochs."""
    torch.manual_seed(cfg.seed)
    dm = AssayDataModule(cfg, ASSAYS)
    net = FertilityNet(cfg, dm.n_readings)
    opt = torch.optim.SGD(net.parameters(), lr=cfg.lr, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(cfg.epochs):
        epoch_loss = 0.0
        for b in dm.batches():
            scores = net(b["site"], b["readings"])
            loss = criterion(scores, b["grade"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(b["grade"])
        if epoch % 5 == 0:
            logger.info("epoch %02d  mean loss %.4f", epoch, epoch_loss / len(ASSAYS))
    return net


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    model = train(AssayConfig())
    print("trained", sum(p.numel() for p in model.parameters()), "parameters")
