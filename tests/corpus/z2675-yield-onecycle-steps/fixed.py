"""County-agnostic maize yield regression from soil, weather and mid-season
vegetation-index features logged per field (CSV export from the farm platform)."""
import csv
import os
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
CSV_PATH = os.path.join(HERE, "field_yield_2023.csv")
FEATURES = ["soil_om_pct", "soil_ph", "clay_pct", "gdd_jun_aug", "precip_jun_aug_mm",
            "ndvi_v8", "ndre_r2", "n_rate_kg_ha", "plant_density_k_ha"]
TARGET = "yield_t_ha"
HPARAMS = {"batch_size": 32, "epochs": 6, "max_lr": 3e-3, "val_frac": 0.2}


def export_fake_platform_csv(path, n=410, seed=3):
    g = np.random.default_rng(seed)
    cols = {
        "soil_om_pct": g.uniform(1.0, 5.0, n), "soil_ph": g.normal(6.6, 0.4, n),
        "clay_pct": g.uniform(10, 40, n), "gdd_jun_aug": g.normal(1450, 120, n),
        "precip_jun_aug_mm": g.gamma(6, 40, n), "ndvi_v8": g.uniform(0.45, 0.9, n),
        "ndre_r2": g.uniform(0.2, 0.5, n), "n_rate_kg_ha": g.choice([120, 160, 200, 240], n),
        "plant_density_k_ha": g.normal(82, 6, n),
    }
    yld = (2 + 0.6 * cols["soil_om_pct"] + 7 * cols["ndvi_v8"] + 0.004 * cols["precip_jun_aug_mm"]
           + 0.008 * cols["n_rate_kg_ha"] + g.normal(0, 0.6, n))
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["field_id"] + FEATURES + [TARGET])
        for i in range(n):
            w.writerow([f"fld-{i:04d}"] + [f"{cols[c][i]:.4f}" for c in FEATURES] + [f"{yld[i]:.3f}"])


def read_rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


class YieldTable(Dataset):
    def __init__(self, rows, stats=None):
        x = np.array([[float(r[c]) for c in FEATURES] for r in rows], dtype=np.float32)
        self.stats = stats or (x.mean(0), x.std(0) + 1e-6)
        self.x = torch.from_numpy((x - self.stats[0]) / self.stats[1])
        self.y = torch.tensor([float(r[TARGET]) for r in rows], dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def mlp(n_in, widths, dropout):
    layers, d = [], n_in
    for w in widths:
        layers += [nn.Linear(d, w), nn.SiLU(), nn.Dropout(dropout)]
        d = w
    return nn.Sequential(*layers, nn.Linear(d, 1))


REGISTRY = {
    "mlp-s": partial(mlp, widths=(64, 32), dropout=0.1),
    "mlp-m": partial(mlp, widths=(128, 64, 32), dropout=0.2),
    "linear": partial(mlp, widths=(), dropout=0.0),
}


def step_fn(model, opt, sched, xb, yb):
    pred = model(xb).squeeze(-1)
    loss = nn.functional.huber_loss(pred, yb, delta=1.0)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    return loss.item()


def rmse(model, loader):
    model.eval()
    with torch.no_grad():
        se = sum(((model(xb).squeeze(-1) - yb) ** 2).sum().item() for xb, yb in loader)
    model.train()
    return (se / len(loader.dataset)) ** 0.5


def main(arch="mlp-s"):
    torch.manual_seed(0)
    export_fake_platform_csv(CSV_PATH)
    rows = read_rows(CSV_PATH)
    perm = np.random.default_rng(1).permutation(len(rows))
    n_val = int(HPARAMS["val_frac"] * len(rows))
    train_rows = [rows[i] for i in perm[n_val:]]
    val_rows = [rows[i] for i in perm[:n_val]]
    train_ds = YieldTable(train_rows)
    val_ds = YieldTable(val_rows, stats=train_ds.stats)
    bs = HPARAMS["batch_size"]
    train_dl = DataLoader(train_ds, batch_size=bs, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=bs)

    model = REGISTRY[arch](len(FEATURES))
    opt = torch.optim.AdamW(model.parameters(), lr=HPARAMS["max_lr"] / 10, weight_decay=1e-4)
    steps_per_epoch = len(train_dl)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=HPARAMS["max_lr"],
                                                epochs=HPARAMS["epochs"],
                                                steps_per_epoch=steps_per_epoch)
    train_step = partial(step_fn, model, opt, sched)
    for epoch in range(HPARAMS["epochs"]):
        losses = [train_step(xb, yb) for xb, yb in train_dl]
        print(f"epoch {epoch}: huber {np.mean(losses):.3f}  val rmse {rmse(model, val_dl):.3f} t/ha"
              f"  lr {sched.get_last_lr()[0]:.2e}")


if __name__ == "__main__":
    main()
