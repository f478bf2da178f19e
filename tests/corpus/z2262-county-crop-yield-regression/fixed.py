import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIG = {
    "csv_path": os.path.join(HERE, "county_yields.csv"),
    "features": ["gdd", "precip_mm", "n_kg_ha", "soil_ph", "soil_om_pct", "planting_doy", "ndvi_jul"],
    "target": "yield_t_ha",
    "n_rows": 310,
    "val_frac": 0.2,
    "batch_size": 32,
    "epochs": 6,
    "max_lr": 1e-2,
    "weight_decay": 1e-4,
    "seed": 11,
}


def write_synthetic_csv(path, n, seed):
    rng = np.random.default_rng(seed)
    gdd = rng.normal(2900, 250, n)
    precip = rng.gamma(9.0, 55.0, n)
    nitrogen = rng.uniform(80, 240, n)
    ph = rng.normal(6.4, 0.5, n)
    om = rng.uniform(1.0, 5.0, n)
    doy = rng.integers(105, 150, n)
    ndvi = np.clip(rng.normal(0.72, 0.08, n), 0.2, 0.95)
    yield_t = (
        2.0 + 0.0012 * gdd + 0.003 * precip - 0.0000022 * precip ** 2
        + 0.012 * nitrogen - 0.00003 * nitrogen ** 2
        - 0.6 * (ph - 6.5) ** 2 + 0.25 * om - 0.02 * (doy - 120) + 4.0 * ndvi
        + rng.normal(0, 0.4, n)
    )
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CONFIG["features"] + [CONFIG["target"]])
        for row in zip(gdd, precip, nitrogen, ph, om, doy, ndvi, yield_t):
            w.writerow([f"{v:.4f}" for v in row])


def load_table(path, features, target):
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    X = np.array([[float(r[c]) for c in features] for r in rows], dtype=np.float32)
    y = np.array([float(r[target]) for r in rows], dtype=np.float32)
    return X, y


def standardise(X, mu=None, sd=None):
    if mu is None:
        mu, sd = X.mean(0), X.std(0) + 1e-6
    return (X - mu) / sd, mu, sd


def make_model(n_features):
    return nn.Sequential(
        nn.Linear(n_features, 64), nn.SiLU(),
        nn.Linear(64, 64), nn.SiLU(),
        nn.Dropout(0.1),
        nn.Linear(64, 1),
    )


def rmse(model, loader):
    model.eval()
    se, n = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            pred = model(xb).squeeze(-1)
            se += ((pred - yb) ** 2).sum().item()
            n += yb.numel()
    return (se / n) ** 0.5


def main(cfg):
    torch.manual_seed(cfg["seed"])
    if not os.path.exists(cfg["csv_path"]):
        write_synthetic_csv(cfg["csv_path"], cfg["n_rows"], cfg["seed"])

    X, y = load_table(cfg["csv_path"], cfg["features"], cfg["target"])
    X, mu, sd = standardise(X)
    full = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    n_val = int(len(full) * cfg["val_frac"])
    train_ds, val_ds = random_split(full, [len(full) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(cfg["seed"]))

    train_loader = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=64)

    model = make_model(len(cfg["features"]))
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["max_lr"] / 25,
                                  weight_decay=cfg["weight_decay"])
    steps_per_epoch = len(train_loader)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=cfg["max_lr"], epochs=cfg["epochs"],
        steps_per_epoch=steps_per_epoch, pct_start=0.3,
    )
    loss_fn = nn.HuberLoss(delta=1.0)

    for epoch in range(cfg["epochs"]):
        model.train()
        for xb, yb in train_loader:
            pred = model(xb).squeeze(-1)
            loss = loss_fn(pred, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
        print(f"epoch {epoch} lr={scheduler.get_last_lr()[0]:.5f} "
              f"val_rmse={rmse(model, val_loader):.3f} t/ha")


if __name__ == "__main__":
    main(CONFIG)
