"""Storm-mode classification from per-cell radar/satellite attributes.

The cell catalogue comes out of the tracking + analyst labelling tool as a CSV
(one row per tracked cell at maturity). We train a small MLP on the numeric
attributes to predict the analyst storm mode.
"""
import csv
import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, random_split

HERE = os.path.dirname(os.path.abspath(__file__))

FEATURES = [
    "max_dbz", "echo_top_km", "vil_kgm2", "area_km2", "mesh_mm",
    "az_shear_max", "min_ir_bt_k", "ot_probability", "speed_ms", "eccentricity",
]


@dataclass
class TrainConfig:
    catalogue: str = os.path.join(HERE, "cell_catalogue.csv")
    storm_modes: tuple = ("ordinary", "multicell", "supercell", "qlcs", "mcs")
    hidden: list = field(default_factory=lambda: [64, 32])
    dropout: float = 0.2
    batch_size: int = 32
    lr: float = 3e-3
    epochs: int = 4
    val_frac: float = 0.2
    seed: int = 11

    @property
    def n_modes(self):
        return len(self.storm_modes)


def write_synthetic_catalogue(path, n_cells=600, seed=0):
    """Mimics the export of the labelling tool (mode_code is the analyst's pick)."""
    rng = np.random.default_rng(seed)
    centers = {
        1: [40, 7, 8, 60, 2, 0.004, 225, 0.1, 8, 0.3],
        2: [50, 10, 25, 300, 12, 0.008, 215, 0.4, 10, 0.4],
        3: [60, 14, 50, 250, 35, 0.025, 200, 0.8, 12, 0.3],
        4: [52, 11, 30, 1800, 10, 0.012, 210, 0.3, 18, 0.85],
        5: [48, 13, 22, 9000, 6, 0.006, 205, 0.5, 14, 0.5],
    }
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["cell_id", "valid_time", *FEATURES, "mode_code"])
        for i in range(n_cells):
            code = int(rng.integers(1, 6))
            c = np.array(centers[code], dtype=float)
            x = c * rng.lognormal(0.0, 0.15, size=c.shape)
            w.writerow([f"C{i:05d}", f"2023-06-{1 + i % 28:02d}T{i % 24:02d}:00Z",
                        *np.round(x, 4), code])


class CellCatalogue(Dataset):
    def __init__(self, path):
        feats, modes = [], []
        with open(path, newline="") as fh:
            for row in csv.DictReader(fh):
                feats.append([float(row[k]) for k in FEATURES])
                modes.append(int(row["mode_code"]) - 1)
        x = np.asarray(feats, dtype=np.float32)
        x[:, FEATURES.index("area_km2")] = np.log1p(x[:, FEATURES.index("area_km2")])
        x[:, FEATURES.index("vil_kgm2")] = np.log1p(x[:, FEATURES.index("vil_kgm2")])
        self.mu, self.sd = x.mean(0), x.std(0) + 1e-6
        self.x = torch.from_numpy((x - self.mu) / self.sd)
        self.y = torch.tensor(modes, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


class StormModeMLP(nn.Module):
    def __init__(self, n_in, hidden, n_out, dropout):
        super().__init__()
        layers, prev = [], n_in
        for h in hidden:
            layers += [nn.Linear(prev, h), nn.BatchNorm1d(h), nn.GELU(), nn.Dropout(dropout)]
            prev = h
        self.body = nn.Sequential(*layers)
        self.out = nn.Linear(prev, n_out)

    def forward(self, x):
        return self.out(self.body(x))


def evaluate(model, loader, n_modes):
    model.eval()
    conf = torch.zeros(n_modes, n_modes, dtype=torch.long)
    with torch.no_grad():
        for x, y in loader:
            pred = model(x).argmax(1)
            for t, p in zip(y, pred):
                conf[t, p] += 1
    return conf.diag().sum().item() / conf.sum().item(), conf


def train(cfg: TrainConfig):
    torch.manual_seed(cfg.seed)
    if not os.path.exists(cfg.catalogue):
        write_synthetic_catalogue(cfg.catalogue)
    ds = CellCatalogue(cfg.catalogue)
    n_val = int(len(ds) * cfg.val_frac)
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(cfg.seed))
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, drop_last=True)
    val_dl = DataLoader(val_ds, batch_size=128)

    model = StormModeMLP(len(FEATURES), cfg.hidden, cfg.n_modes, cfg.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for x, y in train_dl:
            logits = model(x)
            loss = F.cross_entropy(logits, y, label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        acc, conf = evaluate(model, val_dl, cfg.n_modes)
        print(f"epoch {epoch + 1}/{cfg.epochs} loss={running / len(train_dl):.4f} val_acc={acc:.3f}")
    print(conf)
    return model


if __name__ == "__main__":
    train(TrainConfig())
