import csv
import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, Dataset


@dataclass
class DoseConfig:
    csv_path: str = os.path.join(os.path.dirname(os.path.abspath(__file__)), "renal_dosing_table.csv")
    n_rows: int = 600
    seed: int = 42
    hidden: list = field(default_factory=lambda: [64, 32])
    dropout: float = 0.1
    batch_size: int = 32
    epochs: int = 5
    lr: float = 2e-3
    feature_cols: tuple = ("age", "weight_kg", "serum_creatinine", "crcl", "albumin",
                           "on_dialysis", "interacting_meds", "standard_dose_mg")
    target_col: str = "adjusted_dose_mg"


def cockcroft_gault(age, weight, scr, female):
    crcl = (140 - age) * weight / (72 * scr)
    return crcl * np.where(female, 0.85, 1.0)


def write_dosing_table(cfg):
    rng = np.random.default_rng(cfg.seed)
    n = cfg.n_rows
    age = rng.integers(25, 92, n)
    weight = rng.normal(78, 16, n).clip(40, 160)
    female = rng.random(n) < 0.5
    scr = rng.lognormal(0.1, 0.45, n).clip(0.5, 8.0)
    crcl = cockcroft_gault(age, weight, scr, female)
    albumin = rng.normal(3.8, 0.5, n).clip(1.8, 5.2)
    dialysis = (crcl < 15) & (rng.random(n) < 0.7)
    interacting = rng.poisson(0.8, n)
    std_dose = rng.choice([250.0, 500.0, 1000.0], n)
    frac = np.select([crcl >= 50, crcl >= 30, crcl >= 10], [1.0, 0.75, 0.5], default=0.25)
    adjusted = std_dose * frac * (1 - 0.05 * interacting.clip(0, 4)) + rng.normal(0, 15, n)

    with open(cfg.csv_path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(cfg.feature_cols) + [cfg.target_col])
        for i in range(n):
            w.writerow([age[i], round(weight[i], 1), round(scr[i], 2), round(crcl[i], 1),
                        round(albumin[i], 2), int(dialysis[i]), interacting[i], std_dose[i],
                        round(adjusted[i], 1)])


def load_dosing_table(cfg):
    with open(cfg.csv_path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    X = np.array([[float(r[c]) for c in cfg.feature_cols] for r in rows])
    y = np.array([float(r[cfg.target_col]) for r in rows])
    return X, y


class DosingDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.from_numpy(X)
        self.y = torch.from_numpy(y)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


class DoseRegressor(nn.Module):
    def __init__(self, n_features, cfg):
        super().__init__()
        layers, d = [], n_features
        for h in cfg.hidden:
            layers += [nn.Linear(d, h), nn.ReLU(), nn.Dropout(cfg.dropout)]
            d = h
        layers.append(nn.Linear(d, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x).squeeze(-1)


def main(cfg):
    torch.manual_seed(cfg.seed)
    write_dosing_table(cfg)
    X, y = load_dosing_table(cfg)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=cfg.seed)

    scaler = StandardScaler()
    X_tr = scaler.fit_transform(X_tr)
    X_va = scaler.transform(X_va)
    y_scale = float(y_tr.std())
    y_tr = (y_tr / y_scale).astype(np.float32)
    y_va = (y_va / y_scale).astype(np.float32)

    train_dl = DataLoader(DosingDataset(X_tr, y_tr), batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(DosingDataset(X_va, y_va), batch_size=cfg.batch_size)

    model = DoseRegressor(len(cfg.feature_cols), cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.SmoothL1Loss()

    for epoch in range(cfg.epochs):
        model.train()
        for xb, yb in train_dl:
            pred = model(xb)
            loss = loss_fn(pred, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()

        model.eval()
        abs_err, n = 0.0, 0
        with torch.no_grad():
            for xb, yb in val_dl:
                abs_err += (model(xb) - yb).abs().sum().item() * y_scale
                n += len(yb)
        print(f"epoch {epoch}: val MAE {abs_err / n:.1f} mg")


if __name__ == "__main__":
    main(DoseConfig())
