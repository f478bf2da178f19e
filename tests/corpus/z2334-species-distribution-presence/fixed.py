# Presence/absence SDM for a montane bird from gridded bioclim covariates.
# Spatially blocked hold-out so the validation AUC isn't inflated by autocorrelation.
import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))

CFG = {
    "survey_csv": os.path.join(HERE, "point_counts.csv"),
    "covariates": ["bio1_temp", "bio12_precip", "elev_m", "ndvi", "forest_frac", "dist_water_km"],
    "n_sites": 1400,
    "block_deg": 0.5,
    "val_block_frac": 0.25,
    "batch_size": 64,
    "epochs": 6,
    "max_lr": 3e-3,
    "hidden": 64,
    "seed": 11,
}


def write_survey_table(cfg):
    rng = np.random.default_rng(cfg["seed"])
    n = cfg["n_sites"]
    lon = rng.uniform(5.0, 10.0, n)
    lat = rng.uniform(45.0, 48.0, n)
    elev = np.clip(600 + 900 * np.sin(lon) * np.cos(lat / 3) + rng.normal(0, 250, n), 50, 3200)
    temp = 14.0 - 0.0065 * elev + rng.normal(0, 0.8, n)
    precip = 800 + 0.4 * elev + rng.normal(0, 120, n)
    ndvi = np.clip(0.75 - elev / 5000 + rng.normal(0, 0.08, n), 0, 1)
    forest = np.clip(rng.beta(2, 2, n) + 0.2 * (elev > 1200), 0, 1)
    dist_w = rng.gamma(2.0, 1.5, n)
    eta = -1.0 + 2.2 * forest - 0.5 * ((elev - 1500) / 500) ** 2 + 0.6 * ndvi - 0.1 * dist_w
    present = rng.random(n) < 1 / (1 + np.exp(-eta))
    with open(cfg["survey_csv"], "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["site_id", "lon", "lat"] + cfg["covariates"] + ["present"])
        for i in range(n):
            w.writerow([f"S{i:05d}", f"{lon[i]:.4f}", f"{lat[i]:.4f}", f"{temp[i]:.3f}",
                        f"{precip[i]:.1f}", f"{elev[i]:.1f}", f"{ndvi[i]:.3f}",
                        f"{forest[i]:.3f}", f"{dist_w[i]:.3f}", int(present[i])])


def load_survey(cfg):
    with open(cfg["survey_csv"]) as fh:
        rows = list(csv.DictReader(fh))
    coords = np.array([[float(r["lon"]), float(r["lat"])] for r in rows])
    X = np.array([[float(r[c]) for c in cfg["covariates"]] for r in rows], dtype=np.float32)
    y = np.array([int(r["present"]) for r in rows], dtype=np.float32)
    return coords, X, y


def spatial_block_split(coords, cfg):
    rng = np.random.default_rng(cfg["seed"] + 1)
    block_ids = np.floor(coords / cfg["block_deg"]).astype(int)
    keys = [f"{a}_{b}" for a, b in block_ids]
    uniq = sorted(set(keys))
    val_blocks = set(rng.choice(uniq, size=int(len(uniq) * cfg["val_block_frac"]), replace=False))
    is_val = np.array([k in val_blocks for k in keys])
    return np.where(~is_val)[0], np.where(is_val)[0]


def make_sdm(n_in, hidden):
    return nn.Sequential(
        nn.Linear(n_in, hidden), nn.SiLU(), nn.Dropout(0.1),
        nn.Linear(hidden, hidden), nn.SiLU(),
        nn.Linear(hidden, 1),
    )


def roc_auc(y_true, score):
    order = np.argsort(score)
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    n_pos = y_true.sum()
    n_neg = len(y_true) - n_pos
    return (ranks[y_true == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def evaluate(model, X, y):
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(X).squeeze(-1)).numpy()
    return roc_auc(y.numpy(), p)


def main(cfg):
    torch.manual_seed(cfg["seed"])
    write_survey_table(cfg)
    coords, X, y = load_survey(cfg)
    tr_idx, va_idx = spatial_block_split(coords, cfg)
    print(f"{len(tr_idx)} training sites, {len(va_idx)} validation sites")

    mu, sd = X[tr_idx].mean(0), X[tr_idx].std(0) + 1e-6
    Xz = torch.from_numpy((X - mu) / sd)
    yt = torch.from_numpy(y)

    train_dl = DataLoader(TensorDataset(Xz[tr_idx], yt[tr_idx]), batch_size=cfg["batch_size"], shuffle=True)
    model = make_sdm(Xz.shape[1], cfg["hidden"])
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["max_lr"], weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=cfg["max_lr"], epochs=cfg["epochs"],
        steps_per_epoch=len(train_dl),
    )
    prevalence = yt[tr_idx].mean()
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=(1 - prevalence) / prevalence)

    for epoch in range(cfg["epochs"]):
        model.train()
        running = 0.0
        for xb, yb in train_dl:
            loss = loss_fn(model(xb).squeeze(-1), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            running += loss.item() * len(xb)
        auc = evaluate(model, Xz[va_idx], yt[va_idx])
        print(f"epoch {epoch}  loss {running / len(tr_idx):.4f}  block-CV AUC {auc:.3f}  "
              f"lr {sched.get_last_lr()[0]:.2e}")


if __name__ == "__main__":
    main(CFG)
