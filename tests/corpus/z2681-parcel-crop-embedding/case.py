"""Parcel-level yield regression from an LPIS-style export.

Each parcel has a declared crop code, a soil class, the area and a handful of
seasonal spectral statistics. Categorical columns go through embeddings, the
rest through a small MLP.
"""
import csv
import os
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2024)
torch.manual_seed(2024)

CROP_CODES = [1101, 1102, 1301, 3301, 3302, 4101]   # wheat, barley, maize, rapeseed, sunflower, grass
HEADER = ["parcel_id", "crop_code", "soil_class", "area_ha",
          "ndvi_max", "ndvi_auc", "ndre_mean", "swir_dry", "yield_t_ha"]
CAT_COLS = [1, 2]
NUM_COLS = [3, 4, 5, 6, 7]
TARGET_COL = 8


@dataclass
class RunConfig:
    model: str = "embed_mlp"
    n_parcels: int = 300
    n_soils: int = 5
    emb_dim: int = 8
    hidden: int = 32
    batch_size: int = 32
    lr: float = 2e-3
    epochs: int = 3
    extra: dict = field(default_factory=dict)


def export_parcels(path, n, n_soils):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for pid in range(n):
            crop = CROP_CODES[rng.integers(len(CROP_CODES))]
            soil = int(rng.integers(n_soils))
            ndvi_max = rng.uniform(0.4, 0.92)
            auc = ndvi_max * rng.uniform(80, 120)
            ndre = ndvi_max * rng.uniform(0.4, 0.6)
            swir = rng.uniform(0.1, 0.35)
            yld = 2.0 + 7.0 * ndvi_max - 3.0 * swir + 0.2 * soil + rng.normal(0, 0.3)
            w.writerow([pid, crop, soil, round(rng.uniform(0.5, 25), 2),
                        round(ndvi_max, 4), round(auc, 3), round(ndre, 4), round(swir, 4), round(yld, 3)])
    return path


def load_parcels(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    code_to_idx = {c: i for i, c in enumerate(sorted(CROP_CODES))}
    table[:, 1] = np.vectorize(code_to_idx.__getitem__)(table[:, 1].astype(int))
    return table


class ParcelTable(Dataset):
    def __init__(self, table):
        nums = table[:, NUM_COLS]
        self.cat_idx = torch.from_numpy(table[:, CAT_COLS])
        self.num = torch.from_numpy((nums - nums.mean(0)) / nums.std(0)).float()
        self.y = torch.from_numpy(table[:, TARGET_COL]).float()

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"cat": self.cat_idx[i], "num": self.num[i], "y": self.y[i]}


class EmbedMLP(nn.Module):
    def __init__(self, cardinalities, n_num, emb_dim, hidden):
        super().__init__()
        self.embs = nn.ModuleList(nn.Embedding(c, emb_dim) for c in cardinalities)
        self.body = nn.Sequential(
            nn.Linear(emb_dim * len(cardinalities) + n_num, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, cat, num):
        parts = [emb(cat[:, j]) for j, emb in enumerate(self.embs)]
        return self.body(torch.cat(parts + [num], dim=-1)).squeeze(-1)


MODELS = {
    "embed_mlp": lambda cfg: EmbedMLP([len(CROP_CODES), cfg.n_soils], len(NUM_COLS), cfg.emb_dim, cfg.hidden),
    "embed_mlp_wide": lambda cfg: EmbedMLP([len(CROP_CODES), cfg.n_soils], len(NUM_COLS), 2 * cfg.emb_dim, 4 * cfg.hidden),
}


def mse(model, batch):
    return nn.functional.mse_loss(model(batch["cat"], batch["num"]), batch["y"])


def fit_epoch(model, loader, opt, loss_fn):
    model.train()
    total = 0.0
    for batch in loader:
        opt.zero_grad()
        loss = loss_fn(model, batch)
        loss.backward()
        opt.step()
        total += loss.item() * len(batch["y"])
    return total / len(loader.dataset)


@torch.no_grad()
def evaluate(model, loader, loss_fn):
    model.eval()
    return float(np.mean([loss_fn(model, b).item() for b in loader]))


def main(cfg):
    path = export_parcels(os.path.join(HERE, "parcels_2023.csv"), cfg.n_parcels, cfg.n_soils)
    ds = ParcelTable(load_parcels(path))
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val], generator=torch.Generator().manual_seed(0))
    make_loader = partial(DataLoader, batch_size=cfg.batch_size)
    train_dl, val_dl = make_loader(train_ds, shuffle=True), make_loader(val_ds)

    model = MODELS[cfg.model](cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for ep in range(cfg.epochs):
        tr = fit_epoch(model, train_dl, opt, mse)
        va = evaluate(model, val_dl, mse)
        print(f"epoch {ep}  train_mse={tr:.3f}  val_mse={va:.3f}")


if __name__ == "__main__":
    main(RunConfig())
