"""Predict chronic kidney disease in cats from a routine chemistry / CBC panel.

Panels come as a CSV export from the in-house analyser (one row per visit).
"""
import csv
import os

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
PANEL_CSV = os.path.join(HERE, "feline_panels.csv")
FEATURES = ["age_years", "weight_kg", "creatinine_umol", "bun_mmol", "sdma_ug_dl",
            "usg", "phosphorus_mmol", "potassium_mmol", "pcv_pct", "alt_u_l"]
SEED = 3
HPARAMS = {"hidden": 32, "lr": 1e-3, "epochs": 40, "batch_size": 32, "weight_decay": 1e-4}


def export_panels(path, n=400, seed=SEED):
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["visit_id"] + FEATURES + ["ckd"])
        for i in range(n):
            age = rng.uniform(1, 19)
            ckd = int(rng.random() < 0.08 + 0.03 * max(age - 8, 0))
            row = [
                age,
                rng.normal(4.3, 0.9),
                rng.normal(250 if ckd else 140, 50),
                rng.normal(14 if ckd else 8, 3),
                rng.normal(20 if ckd else 11, 3),
                rng.normal(1.018 if ckd else 1.040, 0.008),
                rng.normal(1.9 if ckd else 1.3, 0.3),
                rng.normal(3.7 if ckd else 4.2, 0.4),
                rng.normal(30 if ckd else 36, 5),
                rng.normal(55, 20),
            ]
            w.writerow([f"V{i:05d}"] + [f"{v:.4f}" for v in row] + [ckd])


def load_panels(path):
    X = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=range(1, 1 + len(FEATURES)))
    y = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=1 + len(FEATURES)).astype(np.int64)
    return X, y


def preprocess(X_train, X_test):
    X_train = np.where(np.isnan(X_train), np.nanmedian(X_train, axis=0), X_train)
    X_test = np.where(np.isnan(X_test), np.nanmedian(X_train, axis=0), X_test)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), scaler


def make_mlp(n_in, hidden):
    return nn.Sequential(
        nn.Linear(n_in, hidden),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, 1),
    )


def iterate_minibatches(X, y, batch_size, gen):
    order = torch.randperm(len(X), generator=gen)
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def train(model, X, y, hp, gen):
    opt = torch.optim.AdamW(model.parameters(), lr=hp["lr"], weight_decay=hp["weight_decay"])
    pos_frac = y.mean().item()
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - pos_frac) / pos_frac))
    for epoch in range(hp["epochs"]):
        model.train()
        epoch_loss = 0.0
        for xb, yb in iterate_minibatches(X, y, hp["batch_size"], gen):
            logit = model(xb).squeeze(1)
            loss = loss_fn(logit, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(xb)
        if epoch % 10 == 0:
            print(f"epoch {epoch:3d}  loss {epoch_loss / len(X):.4f}")
    return model


def evaluate(model, X, y):
    model.eval()
    with torch.no_grad():
        prob = torch.sigmoid(model(X).squeeze(1)).numpy()
    return roc_auc_score(y.numpy(), prob)


def main():
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    export_panels(PANEL_CSV)
    X, y = load_panels(PANEL_CSV)
    print(f"{len(X)} panels, CKD prevalence {y.mean():.2%}")

    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, stratify=y, random_state=SEED)
    X_tr, X_te, _ = preprocess(X_tr, X_te)

    X_tr_t, X_te_t = torch.from_numpy(X_tr).float(), torch.from_numpy(X_te).float()
    y_tr_t, y_te_t = torch.from_numpy(y_tr).float(), torch.from_numpy(y_te).float()

    model = make_mlp(len(FEATURES), HPARAMS["hidden"])
    model = train(model, X_tr_t, y_tr_t, HPARAMS, gen)
    print(f"test ROC-AUC: {evaluate(model, X_te_t, y_te_t):.3f}")


if __name__ == "__main__":
    main()
