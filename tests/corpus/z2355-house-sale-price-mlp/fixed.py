import csv
import os
import argparse

import numpy as np
import torch
import torch.nn as nn
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
CSV_PATH = os.path.join(HERE, "sales_2023.csv")

NUMERIC = ["living_sqft", "lot_sqft", "bedrooms", "bathrooms", "year_built", "dist_cbd_km", "hoa_fee"]
CATEGORICAL = ["property_type", "zip3"]


def write_sales_csv(path, n=1000, seed=21):
    rng = np.random.default_rng(seed)
    types = ["single_family", "condo", "townhouse", "multi_family"]
    type_premium = {"single_family": 1.0, "condo": 0.82, "townhouse": 0.9, "multi_family": 1.15}
    zips = ["941", "945", "950", "951", "953"]
    zip_premium = dict(zip(zips, [1.6, 1.2, 1.35, 1.0, 0.75]))
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(NUMERIC + CATEGORICAL + ["sale_price"])
        for _ in range(n):
            ptype = rng.choice(types, p=[0.5, 0.25, 0.18, 0.07])
            z = rng.choice(zips)
            beds = int(rng.integers(1, 6))
            sqft = float(rng.normal(600 + 420 * beds, 180))
            lot = 0.0 if ptype == "condo" else float(rng.lognormal(8.5, 0.4))
            baths = max(1.0, beds - rng.integers(0, 2) + 0.5 * rng.integers(0, 2))
            year = int(rng.integers(1920, 2023))
            dist = float(rng.gamma(3.0, 4.0))
            hoa = float(rng.uniform(200, 700)) if ptype in ("condo", "townhouse") else 0.0
            price = (sqft * 520 + lot * 9 + baths * 15000 - dist * 4000 - hoa * 60
                     + (year - 1920) * 600) * type_premium[ptype] * zip_premium[z]
            price *= rng.lognormal(0, 0.1)
            w.writerow([round(sqft), round(lot), beds, baths, year, round(dist, 2), round(hoa, 2),
                        ptype, z, round(price, -2)])


def load_sales(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    num = np.array([[float(r[c]) for c in NUMERIC] for r in rows])
    cat = np.array([[r[c] for c in CATEGORICAL] for r in rows], dtype=object)
    price = np.array([float(r["sale_price"]) for r in rows])
    return num, cat, price


class PriceMLP(nn.Module):
    def __init__(self, n_in, hidden=(128, 64), p_drop=0.1):
        super().__init__()
        layers, prev = [], n_in
        for h in hidden:
            layers += [nn.Linear(prev, h), nn.BatchNorm1d(h), nn.ReLU(), nn.Dropout(p_drop)]
            prev = h
        layers.append(nn.Linear(prev, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x).squeeze(-1)


class Trainer:
    def __init__(self, model, lr, weight_decay):
        self.model = model
        self.opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
        self.loss_fn = nn.HuberLoss(delta=0.5)

    def fit_epoch(self, loader):
        self.model.train()
        losses = []
        for xb, yb in loader:
            loss = self.loss_fn(self.model(xb), yb)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            losses.append(loss.item())
        return float(np.mean(losses))

    @torch.no_grad()
    def predict(self, x):
        self.model.eval()
        return self.model(x)


def main(args):
    torch.manual_seed(args.seed)
    write_sales_csv(CSV_PATH, seed=args.seed)
    num, cat, price = load_sales(CSV_PATH)
    features = np.concatenate([num, cat], axis=1)
    X_tr, X_te, p_tr, p_te = train_test_split(features, price, test_size=0.2, random_state=args.seed)

    n_num = len(NUMERIC)
    pre = ColumnTransformer([
        ("num", StandardScaler(), list(range(n_num))),
        ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False),
         list(range(n_num, n_num + len(CATEGORICAL)))),
    ])
    X_tr = pre.fit_transform(X_tr).astype(np.float32)
    X_te = pre.transform(X_te).astype(np.float32)
    y_tr = np.log(p_tr).astype(np.float32)
    y_mean = float(y_tr.mean())

    train_ds = TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr - y_mean))
    loader = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True, drop_last=True)

    model = PriceMLP(X_tr.shape[1])
    trainer = Trainer(model, lr=args.lr, weight_decay=1e-4)
    for epoch in range(args.epochs):
        train_loss = trainer.fit_epoch(loader)
        pred = trainer.predict(torch.from_numpy(X_te)).numpy() + y_mean
        mape = np.mean(np.abs(np.exp(pred) - p_te) / p_te)
        print(f"epoch {epoch:2d}  huber {train_loss:.4f}  test MAPE {100 * mape:.2f}%")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=21)
    main(parser.parse_args())
