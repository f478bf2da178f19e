"""Warfarin maintenance-dose regression from a pharmacy dosing table.

Covariates follow the usual pharmacogenetic dosing algorithms: demographics,
renal function, genotype (CYP2C9 / VKORC1) and interacting co-medication.
Target is the stable weekly dose in mg.
"""
import csv
import math
import os
import random
from types import SimpleNamespace

import torch
import torch.nn as nn

cfg = SimpleNamespace(
    seed=11,
    n_patients=600,
    table_path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "warfarin_dosing.csv"),
    numeric_cols=["age", "weight_kg", "height_cm", "serum_creatinine", "baseline_inr"],
    genotype_cols=["cyp2c9_variant", "vkorc1_a_allele"],
    comed_cols=["amiodarone", "enzyme_inducer"],
    hidden=32,
    epochs=30,
    batch_size=64,
    lr=3e-3,
)


def write_dosing_table(path, n, seed):
    rnd = random.Random(seed)
    fields = ["patient_id", "sex"] + cfg.numeric_cols + cfg.genotype_cols + cfg.comed_cols + ["weekly_dose_mg"]
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for pid in range(n):
            row = {
                "patient_id": f"P{pid:05d}",
                "sex": rnd.choice(["F", "M"]),
                "age": rnd.randint(25, 90),
                "weight_kg": round(rnd.gauss(78, 15), 1),
                "height_cm": round(rnd.gauss(170, 10), 1),
                "serum_creatinine": round(max(0.4, rnd.gauss(1.0, 0.3)), 2),
                "baseline_inr": round(rnd.gauss(1.05, 0.1), 2),
                "cyp2c9_variant": rnd.choice([0, 0, 0, 1, 2]),
                "vkorc1_a_allele": rnd.choice([0, 1, 1, 2]),
                "amiodarone": int(rnd.random() < 0.1),
                "enzyme_inducer": int(rnd.random() < 0.05),
            }
            dose = (35 - 0.15 * (row["age"] - 60) + 0.1 * (row["weight_kg"] - 75)
                    - 5 * row["cyp2c9_variant"] - 7 * row["vkorc1_a_allele"]
                    - 8 * row["amiodarone"] + 10 * row["enzyme_inducer"] + rnd.gauss(0, 3))
            row["weekly_dose_mg"] = round(max(7.0, dose), 1)
            w.writerow(row)


def read_table(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def cockcroft_gault(row):
    age, wt, scr = float(row["age"]), float(row["weight_kg"]), float(row["serum_creatinine"])
    crcl = (140 - age) * wt / (72 * scr)
    return crcl * 0.85 if row["sex"] == "F" else crcl


def featurize(rows):
    feats = []
    for r in rows:
        x = [float(r[c]) for c in cfg.numeric_cols]
        x.append(cockcroft_gault(r))
        x.append(math.log(float(r["weight_kg"]) * float(r["height_cm"]) / 3600.0))
        x += [float(r[c]) for c in cfg.genotype_cols + cfg.comed_cols]
        x.append(1.0 if r["sex"] == "F" else 0.0)
        feats.append(x)
    return torch.tensor(feats, dtype=torch.float32)


def column_stats(rows, cols):
    m = torch.tensor([[float(r[c]) for c in cols] for r in rows])
    return m.mean(0), m.std(0).clamp_min(1e-6)


class DoseRegressor(nn.Module):
    def __init__(self, n_features, hidden, mean, std):
        super().__init__()
        self.register_buffer("feat_mean", mean)
        self.register_buffer("feat_std", std)
        self.mlp = nn.Sequential(
            nn.Linear(n_features, hidden), nn.SiLU(),
            nn.Linear(hidden, hidden), nn.SiLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        z = (x - self.feat_mean) / self.feat_std
        return self.mlp(z).squeeze(-1)


def main():
    torch.manual_seed(cfg.seed)
    write_dosing_table(cfg.table_path, cfg.n_patients, cfg.seed)
    rows = read_table(cfg.table_path)
    random.Random(cfg.seed).shuffle(rows)
    split = int(0.8 * len(rows))
    train_rows, test_rows = rows[:split], rows[split:]

    X_tr, X_te = featurize(train_rows), featurize(test_rows)
    y_tr = torch.tensor([float(r["weekly_dose_mg"]) for r in train_rows])
    y_te = torch.tensor([float(r["weekly_dose_mg"]) for r in test_rows])

    mean, std = X_tr.mean(0), X_tr.std(0).clamp_min(1e-6)
    model = DoseRegressor(X_tr.shape[1], cfg.hidden, mean, std)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        perm = torch.randperm(len(X_tr))
        for i in range(0, len(perm), cfg.batch_size):
            idx = perm[i:i + cfg.batch_size]
            loss = nn.functional.mse_loss(model(X_tr[idx]), y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if (epoch + 1) % 10 == 0:
            with torch.no_grad():
                mae = (model(X_te) - y_te).abs().mean().item()
            print(f"epoch {epoch + 1}: train mse {loss.item():.2f}, test MAE {mae:.2f} mg/week")


if __name__ == "__main__":
    main()
