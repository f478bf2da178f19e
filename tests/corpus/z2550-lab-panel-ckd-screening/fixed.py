import csv
import os
from dataclasses import dataclass, field
from typing import List

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

HERE = os.path.dirname(os.path.abspath(__file__))

# feline reference intervals (lower, upper), in-house units
FELINE_REFERENCE_INTERVALS = {
    "BUN": (16.0, 36.0),
    "CREA": (0.8, 2.4),
    "PHOS": (3.1, 7.5),
    "CA": (7.8, 11.3),
    "TP": (5.7, 8.9),
    "ALB": (2.2, 4.0),
    "GLOB": (2.8, 5.1),
    "ALT": (12.0, 130.0),
    "ALKP": (14.0, 111.0),
    "GLU": (74.0, 159.0),
    "SDMA": (0.0, 14.0),
    "HCT": (30.3, 52.3),
    "USG": (1.035, 1.060),
}


@dataclass
class PanelConfig:
    analytes: List[str] = field(default_factory=lambda: [
        "BUN", "CREA", "PHOS", "CA", "TP", "ALB", "GLOB", "ALT", "ALKP", "GLU", "HCT", "USG"])
    hidden: int = 64
    dropout: float = 0.15
    lr: float = 2e-3
    batch_size: int = 32
    epochs: int = 4
    n_cats: int = 400
    csv_path: str = os.path.join(HERE, "feline_chem_panels.csv")
    seed: int = 2550


def simulate_panels(cfg: PanelConfig):
    rng = np.random.default_rng(cfg.seed)
    with open(cfg.csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["patient_id", "age_years"] + cfg.analytes + ["ckd"])
        for i in range(cfg.n_cats):
            age = float(rng.uniform(1, 19))
            ckd = int(rng.random() < 0.1 + 0.04 * max(age - 8, 0))
            row = []
            for a in cfg.analytes:
                lo, hi = FELINE_REFERENCE_INTERVALS[a]
                v = rng.normal((lo + hi) / 2, (hi - lo) / 4)
                if ckd and a in ("BUN", "CREA", "PHOS"):
                    v += (hi - lo) * rng.uniform(0.4, 1.2)
                if ckd and a == "USG":
                    v -= (hi - lo) * rng.uniform(0.5, 1.0)
                if ckd and a == "HCT":
                    v -= (hi - lo) * rng.uniform(0.1, 0.4)
                row.append(round(v, 4))
            w.writerow([f"FEL{i:04d}", round(age, 1)] + row + [ckd])


class PanelDataset(Dataset):
    def __init__(self, cfg: PanelConfig):
        with open(cfg.csv_path) as f:
            rows = list(csv.DictReader(f))
        self.x = torch.tensor([[float(r[a]) for a in cfg.analytes] for r in rows], dtype=torch.float32)
        self.y = torch.tensor([float(r["ckd"]) for r in rows], dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def reference_stats(intervals, analytes):
    centre = torch.tensor([(intervals[a][0] + intervals[a][1]) / 2 for a in analytes])
    spread = torch.tensor([(intervals[a][1] - intervals[a][0]) / 4 for a in analytes])
    return centre, spread


class CKDScreeningNet(nn.Module):
    def __init__(self, cfg: PanelConfig, centre, spread):
        super().__init__()
        self.register_buffer("centre", centre)
        self.register_buffer("spread", spread)
        n_in = len(cfg.analytes)
        self.mlp = nn.Sequential(
            nn.Linear(n_in, cfg.hidden), nn.GELU(), nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden, cfg.hidden // 2), nn.GELU(),
            nn.Linear(cfg.hidden // 2, 1),
        )

    def forward(self, panel):
        z = (panel - self.centre) / self.spread
        z = z.clamp(-6.0, 6.0)
        return self.mlp(z).squeeze(-1)


def fit(cfg: PanelConfig):
    torch.manual_seed(cfg.seed)
    simulate_panels(cfg)
    ds = PanelDataset(cfg)
    n_val = len(ds) // 5
    train_ds, val_ds = torch.utils.data.random_split(ds, [len(ds) - n_val, n_val])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    centre, spread = reference_stats(FELINE_REFERENCE_INTERVALS, cfg.analytes)
    model = CKDScreeningNet(cfg, centre, spread)
    pos_frac = ds.y.mean().item()
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - pos_frac) / pos_frac))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        for xb, yb in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        model.eval()
        tp = fp = fn = 0
        with torch.no_grad():
            for xb, yb in val_dl:
                pred = (torch.sigmoid(model(xb)) > 0.5).float()
                tp += ((pred == 1) & (yb == 1)).sum().item()
                fp += ((pred == 1) & (yb == 0)).sum().item()
                fn += ((pred == 0) & (yb == 1)).sum().item()
        sens = tp / max(tp + fn, 1)
        ppv = tp / max(tp + fp, 1)
        print(f"epoch {epoch}: loss={loss.item():.3f} sensitivity={sens:.2f} ppv={ppv:.2f}")
    return model


if __name__ == "__main__":
    fit(PanelConfig())
