import csv
import math
import os
import random

import torch
import torch.nn as nn

CONFIG = {
    "seed": 3,
    "n_claims": 1500,
    "export_file": "claims_export.csv",
    "features": ["vehicle_age", "driver_age", "days_open", "num_parties", "reserve_amount"],
    "target": "paid_amount",
    "holdout_year": 2023,
    "hidden": 32,
    "lr": 5e-3,
    "epochs": 40,
}

HERE = os.path.dirname(os.path.abspath(__file__))


def write_export(path, n, seed):
    rnd = random.Random(seed)
    cols = ["claim_no", "accident_year", "paid_amount", "vehicle_age", "driver_age",
            "days_open", "num_parties", "reserve_amount"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for i in range(n):
            year = rnd.choice([2020, 2021, 2022, 2023])
            vehicle_age = rnd.randint(0, 20)
            driver_age = rnd.randint(17, 85)
            days_open = rnd.randint(3, 400)
            parties = rnd.randint(1, 4)
            reserve = round(rnd.lognormvariate(8.5, 0.9), 2)
            paid = round(reserve * rnd.uniform(0.4, 1.3) + 40 * parties + 2 * days_open, 2)
            w.writerow([f"CLM-{year}-{i:06d}", year, paid, vehicle_age, driver_age,
                        days_open, parties, reserve])


def load_export(path):
    rows = []
    with open(path) as f:
        header = f.readline().split(",")
        for line in f:
            values = line.split(",")
            rows.append(dict(zip(header, values)))
    return rows


def split_by_year(rows, holdout_year):
    train = [r for r in rows if int(r["accident_year"]) < holdout_year]
    valid = [r for r in rows if int(r["accident_year"]) == holdout_year]
    return train, valid


def to_matrix(rows, features, target):
    x = torch.tensor([[float(r[c]) for c in features] for r in rows], dtype=torch.float32)
    y = torch.tensor([math.log1p(float(r[target])) for r in rows], dtype=torch.float32)
    return x, y


def standardize(x_train, x_valid):
    mu, sd = x_train.mean(0), x_train.std(0) + 1e-6
    return (x_train - mu) / sd, (x_valid - mu) / sd


def build_model(n_in, hidden):
    return nn.Sequential(
        nn.Linear(n_in, hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, 1),
    )


def fit(model, x, y, x_val, y_val, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    mse = nn.MSELoss()
    for epoch in range(cfg["epochs"]):
        model.train()
        perm = torch.randperm(x.size(0))
        for start in range(0, x.size(0), 64):
            idx = perm[start:start + 64]
            loss = mse(model(x[idx]).squeeze(1), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if (epoch + 1) % 10 == 0:
            model.eval()
            with torch.no_grad():
                val = mse(model(x_val).squeeze(1), y_val).item()
            print(f"epoch {epoch + 1}: train mse {loss.item():.4f}  holdout mse {val:.4f}")


def main(cfg):
    random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    path = os.path.join(HERE, cfg["export_file"])
    write_export(path, cfg["n_claims"], cfg["seed"])

    rows = load_export(path)
    train_rows, valid_rows = split_by_year(rows, cfg["holdout_year"])
    print(f"train claims: {len(train_rows)}  holdout claims ({cfg['holdout_year']}): {len(valid_rows)}")

    x_tr, y_tr = to_matrix(train_rows, cfg["features"], cfg["target"])
    x_va, y_va = to_matrix(valid_rows, cfg["features"], cfg["target"])
    x_tr, x_va = standardize(x_tr, x_va)

    model = build_model(x_tr.size(1), cfg["hidden"])
    fit(model, x_tr, y_tr, x_va, y_va, cfg)


if __name__ == "__main__":
    main(CONFIG)
