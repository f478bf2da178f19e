# wafer sort yield regression from end-of-line parametric (E-test / PCM) summaries
# one row per wafer: lot, wafer, parametric medians, sort yield fraction
import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "etest_yield.csv")

PARAM_COLS = ["vtn_mv", "vtp_mv", "idsat_n_ua", "idsat_p_ua", "rs_poly_ohm",
              "rc_m1_ohm", "tox_a", "cd_gate_nm", "overlay_x_nm", "overlay_y_nm"]
TARGET_COL = "sort_yield"

SETTINGS = {
    "n_lots": 24,
    "wafers_per_lot": 25,
    "holdout_lots": 4,
    "batch_size": 32,
    "epochs": 5,
    "lr": 1e-3,
    "hidden": [64, 32],
}


def write_fake_table(path, n_lots, wafers_per_lot, seed=2024):
    rng = np.random.default_rng(seed)
    nominal = np.array([420, -450, 610, 290, 180, 3.2, 21.0, 28.0, 0.0, 0.0])
    spread = np.array([15, 15, 25, 12, 8, 0.3, 0.4, 0.8, 2.5, 2.5])
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["lot_id", "wafer"] + PARAM_COLS + [TARGET_COL])
        for lot in range(n_lots):
            lot_shift = rng.normal(0, 0.5, size=len(nominal)) * spread
            for wf in range(1, wafers_per_lot + 1):
                p = nominal + lot_shift + rng.normal(0, 1, size=len(nominal)) * spread
                z = (p - nominal) / spread
                y = 0.94 - 0.02 * np.abs(z[7]) - 0.015 * (np.abs(z[8]) + np.abs(z[9])) \
                    - 0.01 * np.abs(z[0]) + rng.normal(0, 0.01)
                w.writerow([f"L{lot:03d}", wf] + [f"{v:.4f}" for v in p] + [f"{np.clip(y, 0, 1):.4f}"])


def load_table(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    lots = np.array([r["lot_id"] for r in rows])
    X = np.array([[float(r[c]) for c in PARAM_COLS] for r in rows])
    y = np.array([float(r[TARGET_COL]) for r in rows])
    return lots, X, y


def lot_split(lots, n_holdout):
    uniq = sorted(set(lots))
    hold = set(uniq[-n_holdout:])
    test = np.array([l in hold for l in lots])
    return ~test, test


def standardize(X_train, X_test):
    mu = X_train.mean(axis=0)
    sd = X_train.std(axis=0)
    sd[sd == 0] = 1.0
    return (X_train - mu) / sd, (X_test - mu) / sd


def build_mlp(n_in, hidden):
    layers = []
    prev = n_in
    for h in hidden:
        layers += [nn.Linear(prev, h), nn.ReLU(), nn.Dropout(0.1)]
        prev = h
    layers += [nn.Linear(prev, 1), nn.Sigmoid()]
    return nn.Sequential(*layers)


def to_loader(X, y, batch_size, shuffle):
    ds = TensorDataset(torch.from_numpy(X), torch.tensor(y, dtype=torch.float32).unsqueeze(1))
    return DataLoader(ds, batch_size=batch_size, shuffle=shuffle)


def evaluate(model, loader):
    model.eval()
    se, ae, n = 0.0, 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            pred = model(xb)
            se += ((pred - yb) ** 2).sum().item()
            ae += (pred - yb).abs().sum().item()
            n += len(yb)
    return (se / n) ** 0.5, ae / n


torch.manual_seed(0)
write_fake_table(TABLE, SETTINGS["n_lots"], SETTINGS["wafers_per_lot"])
lots, X, y = load_table(TABLE)
train_mask, test_mask = lot_split(lots, SETTINGS["holdout_lots"])
X_tr, X_te = standardize(X[train_mask], X[test_mask])
y_tr, y_te = y[train_mask], y[test_mask]
print(f"train wafers {len(y_tr)}  holdout wafers {len(y_te)}  mean yield {y_tr.mean():.3f}")

train_loader = to_loader(X_tr, y_tr, SETTINGS["batch_size"], shuffle=True)
test_loader = to_loader(X_te, y_te, SETTINGS["batch_size"], shuffle=False)

model = build_mlp(len(PARAM_COLS), SETTINGS["hidden"])
opt = torch.optim.Adam(model.parameters(), lr=SETTINGS["lr"])
loss_fn = nn.MSELoss()

for epoch in range(SETTINGS["epochs"]):
    model.train()
    for xb, yb in train_loader:
        loss = loss_fn(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    rmse, mae = evaluate(model, test_loader)
    print(f"epoch {epoch}: holdout RMSE {rmse:.4f}  MAE {mae:.4f}")
