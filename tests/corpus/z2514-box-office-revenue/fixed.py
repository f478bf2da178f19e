import argparse
import csv
import math
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
GENRES = ["drama", "comedy", "action", "horror", "animation", "documentary"]
RATINGS = ["G", "PG", "PG-13", "R"]


def get_args():
    p = argparse.ArgumentParser(description="opening-weekend gross regressor")
    p.add_argument("--csv", default=os.path.join(HERE, "box_office.csv"))
    p.add_argument("--n-films", type=int, default=1250)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--max-lr", type=float, default=3e-3)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--val-frac", type=float, default=0.15)
    p.add_argument("--seed", type=int, default=2024)
    return p.parse_args()


def write_fake_box_office(path, n, seed):
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "genre", "mpaa", "budget_musd", "runtime_min", "screens",
                    "release_month", "star_power", "sequel", "opening_gross_musd"])
        for i in range(n):
            genre = rng.choice(GENRES)
            rating = rng.choice(RATINGS)
            budget = float(np.exp(rng.normal(3.0, 1.0)))
            runtime = int(rng.normal(112, 18))
            screens = int(np.clip(rng.normal(2800, 900), 50, 4700))
            month = int(rng.integers(1, 13))
            star = float(rng.uniform(0, 10))
            sequel = int(rng.random() < 0.2)
            gross = (0.35 * budget * (screens / 3000) * (1 + 0.08 * star) * (1.6 if sequel else 1.0)
                     * (1.3 if month in (5, 6, 7, 11, 12) else 1.0) * np.exp(rng.normal(0, 0.4)))
            w.writerow([f"film_{i:04d}", genre, rating, f"{budget:.2f}", runtime, screens,
                        month, f"{star:.2f}", sequel, f"{gross:.3f}"])


def load_table(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    feats, target = [], []
    for r in rows:
        x = [
            math.log1p(float(r["budget_musd"])),
            float(r["runtime_min"]) / 120.0,
            float(r["screens"]) / 1000.0,
            math.sin(2 * math.pi * int(r["release_month"]) / 12),
            math.cos(2 * math.pi * int(r["release_month"]) / 12),
            float(r["star_power"]) / 10.0,
            float(r["sequel"]),
        ]
        x += [1.0 if r["genre"] == g else 0.0 for g in GENRES]
        x += [1.0 if r["mpaa"] == m else 0.0 for m in RATINGS]
        feats.append(x)
        target.append(math.log1p(float(r["opening_gross_musd"])))
    return np.asarray(feats, dtype=np.float32), np.asarray(target, dtype=np.float32)


class GrossRegressor(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, hidden), nn.SiLU(), nn.Dropout(0.1),
            nn.Linear(hidden, hidden), nn.SiLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


class Trainer:
    def __init__(self, model, train_ds, val_ds, args):
        self.model = model
        self.args = args
        self.train_ds = train_ds
        self.train_loader = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
        self.val_loader = DataLoader(val_ds, batch_size=256)
        self.opt = torch.optim.AdamW(model.parameters(), lr=args.max_lr, weight_decay=1e-4)
        steps_per_epoch = len(self.train_loader)
        self.sched = torch.optim.lr_scheduler.OneCycleLR(
            self.opt, max_lr=args.max_lr, epochs=args.epochs,
            steps_per_epoch=steps_per_epoch, pct_start=0.25,
        )
        self.loss_fn = nn.MSELoss()

    def train_epoch(self):
        self.model.train()
        total, n = 0.0, 0
        for xb, yb in self.train_loader:
            loss = self.loss_fn(self.model(xb), yb)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            self.sched.step()
            total += loss.item() * len(xb)
            n += len(xb)
        return total / n

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        errs = []
        for xb, yb in self.val_loader:
            pred = self.model(xb)
            errs.append((torch.expm1(pred) - torch.expm1(yb)).abs())
        return torch.cat(errs).mean().item()

    def fit(self):
        for epoch in range(self.args.epochs):
            tr = self.train_epoch()
            mae = self.evaluate()
            print(f"epoch {epoch + 1}/{self.args.epochs}  train mse {tr:.4f}  "
                  f"val MAE ${mae:.2f}M  lr {self.sched.get_last_lr()[0]:.2e}")


def main():
    args = get_args()
    torch.manual_seed(args.seed)
    write_fake_box_office(args.csv, args.n_films, args.seed)
    X, y = load_table(args.csv)

    mu, sd = X.mean(0), X.std(0) + 1e-6
    X = (X - mu) / sd
    perm = np.random.default_rng(args.seed).permutation(len(X))
    n_val = int(len(X) * args.val_frac)
    val_idx, tr_idx = perm[:n_val], perm[n_val:]
    train_ds = TensorDataset(torch.from_numpy(X[tr_idx]), torch.from_numpy(y[tr_idx]))
    val_ds = TensorDataset(torch.from_numpy(X[val_idx]), torch.from_numpy(y[val_idx]))

    model = GrossRegressor(X.shape[1], args.hidden)
    Trainer(model, train_ds, val_ds, args).fit()


if __name__ == "__main__":
    main()
