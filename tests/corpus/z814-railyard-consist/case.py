"""Classify freight train consists (sequence of car type codes) into service types."""
import logging
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---- constants -------------------------------------------------------------
SEED = 814
PAD_CODE = "<pad>"
CAR_CODES = [PAD_CODE, "BOX", "TANK", "HOPPER", "COVHOP", "FLAT", "WELL", "GOND", "REEFER", "AUTORACK", "CENTERBEAM"]
SERVICES = ["unit_bulk", "intermodal", "manifest", "unit_tank"]
EMBED_DIM = 16
BATCH_SIZE = 4
EPOCHS = 5
LEARNING_RATE = 1e-2

CONSISTS = [
    ("HOPPER HOPPER HOPPER COVHOP HOPPER HOPPER", "unit_bulk"),
    ("WELL WELL WELL FLAT WELL", "intermodal"),
    ("BOX TANK GOND REEFER AUTORACK BOX FLAT", "manifest"),
    ("TANK TANK TANK TANK TANK TANK TANK TANK", "unit_tank"),
    ("GOND GOND GOND GOND", "unit_bulk"),
    ("WELL FLAT WELL WELL WELL WELL", "intermodal"),
    ("CENTERBEAM BOX REEFER TANK", "manifest"),
    ("TANK TANK TANK", "unit_tank"),
]

log = logging.getLogger("railyard")


class Settings(NamedTuple):
    embed_dim: int
    batch_size: int
    epochs: int
    lr: float


class Batch(NamedTuple):
    car_ids: torch.Tensor
    present: torch.Tensor
    service: torch.Tensor


class ConsistNet(nn.Module):
    def __init__(self, n_codes: int, dim: int, n_services: int):
        super().__init__()
        self.cars = nn.Embedding(n_codes, dim, padding_idx=0)
        self.out = nn.Linear(dim, n_services)

    def forward(self, car_ids: torch.Tensor, present: torch.Tensor) -> torch.Tensor:
        vecs = self.cars(car_ids)
        weights = present.unsqueeze(-1).float()
        pooled = (vecs * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.out(pooled)


def code_lookup() -> Dict[str, int]:
    table: Dict[str, int] = {}
    for i, code in enumerate(CAR_CODES):
        table[code] = i
    return table


def collate(rows: List[Tuple[str, str]], lookup: Dict[str, int]) -> Tuple[Optional[Batch], Optional[Exception]]:
    seqs: List[List[int]] = []
    targets: List[int] = []
    for consist, service in rows:
        ids: List[int] = []
        for code in consist.split():
            if code not in lookup:
                return None, KeyError(f"unknown car code {code}")
            ids.append(lookup[code])
        seqs.append(ids)
        targets.append(SERVICES.index(service))
    width = 0
    for ids in seqs:
        width = max(width, len(ids))
    car_ids = torch.zeros(len(seqs), width)
    present = torch.zeros(len(seqs), width, dtype=torch.bool)
    for r, ids in enumerate(seqs):
        for c, cid in enumerate(ids):
            car_ids[r, c] = cid
            present[r, c] = True
    return Batch(car_ids, present, torch.tensor(targets)), None


class Runner:
    def __init__(self, model: ConsistNet, lookup: Dict[str, int], cfg: Settings):
        self.model = model
        self.lookup = lookup
        self.cfg = cfg
        self.optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    def step(self, rows: List[Tuple[str, str]]) -> Tuple[float, Optional[Exception]]:
        batch, err = collate(rows, self.lookup)
        if err is not None:
            return 0.0, err
        logits = self.model(batch.car_ids, batch.present)
        loss = F.cross_entropy(logits, batch.service)
        self.optim.zero_grad()
        loss.backward()
        self.optim.step()
        return loss.item(), None

    def fit(self, data: List[Tuple[str, str]]) -> Optional[Exception]:
        for epoch in range(self.cfg.epochs):
            running = 0.0
            for start in range(0, len(data), self.cfg.batch_size):
                loss, err = self.step(data[start : start + self.cfg.batch_size])
                if err is not None:
                    return err
                running += loss
            log.info("epoch %d loss %.4f", epoch, running)
        return None


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="[%(name)s] %(message)s")
    torch.manual_seed(SEED)
    cfg = Settings(EMBED_DIM, BATCH_SIZE, EPOCHS, LEARNING_RATE)
    lookup = code_lookup()
    model = ConsistNet(len(CAR_CODES), cfg.embed_dim, len(SERVICES))
    runner = Runner(model, lookup, cfg)
    log.info("training on %d consists", len(CONSISTS))
    err = runner.fit(CONSISTS)
    if err is not None:
        log.error("fit failed: %s", err)
        return 1
    print("done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
