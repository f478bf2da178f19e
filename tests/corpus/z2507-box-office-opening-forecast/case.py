import csv
import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
GENRES = ["action", "comedy", "drama", "horror", "animation", "documentary"]


@dataclass
class ForecastConfig:
    csv_path: str = os.path.join(HERE, "box_office.csv")
    n_titles: int = 400
    numeric_cols: list = field(default_factory=lambda: [
        "budget_musd", "opening_screens", "runtime_min", "star_power", "critic_score", "trailer_views_m",
    ])
    log_cols: tuple = ("budget_musd", "opening_screens", "trailer_views_m")
    hidden: int = 48
    dropout: float = 0.1
    batch_size: int = 32
    epochs: int = 20
    lr: float = 2e-3
    val_frac: float = 0.2
    seed: int = 2024


def write_fake_ledger(cfg):
    rng = np.random.default_rng(cfg.seed)
    with open(cfg.csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["title", "genre", "release_month", *cfg.numeric_cols, "sequel", "opening_weekend_musd"])
        for i in range(cfg.n_titles):
            genre = rng.choice(GENRES)
            budget = float(np.exp(rng.normal(3.2, 0.9)))
            screens = int(np.clip(rng.normal(2800, 900), 150, 4600))
            runtime = int(rng.normal(112, 18))
            star = round(float(rng.uniform(0, 10)), 1)
            critic = int(np.clip(rng.normal(62, 18), 5, 99))
            trailer = round(float(np.exp(rng.normal(2.0, 1.1))), 2)
            sequel = int(rng.random() < 0.25)
            month = int(rng.integers(1, 13))
            opening = (0.18 * budget + 0.004 * screens + 1.5 * star + 0.08 * critic
                       + 2.5 * np.log1p(trailer) + 9.0 * sequel
                       + (6.0 if month in (5, 6, 7, 11, 12) else 0.0) + rng.normal(0, 4))
            w.writerow([f"Untitled Project {i:03d}", genre, month, round(budget, 2), screens, runtime,
                        star, critic, trailer, sequel, round(max(opening, 0.3), 2)])


def load_ledger(cfg):
    with open(cfg.csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    numeric = np.array([[float(r[c]) for c in cfg.numeric_cols] for r in rows])
    for j, c in enumerate(cfg.numeric_cols):
        if c in cfg.log_cols:
            numeric[:, j] = np.log1p(numeric[:, j])
    genre_oh = np.eye(len(GENRES))[[GENRES.index(r["genre"]) for r in rows]]
    month = np.array([int(r["release_month"]) for r in rows])
    season = np.stack([np.sin(2 * np.pi * month / 12), np.cos(2 * np.pi * month / 12)], axis=1)
    sequel = np.array([[float(r["sequel"])] for r in rows])
    target = np.log1p(np.array([float(r["opening_weekend_musd"]) for r in rows], dtype=np.float32))
    return numeric, genre_oh, season, sequel, target


def standardise(train, other):
    mu, sd = train.mean(axis=0), train.std(axis=0) + 1e-8
    return (train - mu) / sd, (other - mu) / sd


class OpeningWeekendMLP(nn.Module):
    def __init__(self, n_in, cfg):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, cfg.hidden), nn.GELU(), nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden, cfg.hidden // 2), nn.GELU(),
            nn.Linear(cfg.hidden // 2, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


def run(cfg):
    torch.manual_seed(cfg.seed)
    write_fake_ledger(cfg)
    numeric, genre_oh, season, sequel, y = load_ledger(cfg)

    n = len(y)
    perm = np.random.default_rng(cfg.seed).permutation(n)
    n_val = int(cfg.val_frac * n)
    val_idx, tr_idx = perm[:n_val], perm[n_val:]

    num_tr, num_val = standardise(numeric[tr_idx], numeric[val_idx])
    X_tr = np.concatenate([num_tr, genre_oh[tr_idx], season[tr_idx], sequel[tr_idx]], axis=1)
    X_val = np.concatenate([num_val, genre_oh[val_idx], season[val_idx], sequel[val_idx]], axis=1)

    train_ds = TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y[tr_idx]))
    val_x, val_y = torch.from_numpy(X_val), torch.from_numpy(y[val_idx])
    loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)

    model = OpeningWeekendMLP(X_tr.shape[1], cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    loss_fn = nn.HuberLoss(delta=0.5)

    for epoch in range(cfg.epochs):
        model.train()
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if (epoch + 1) % 5 == 0:
            model.eval()
            with torch.no_grad():
                pred = model(val_x)
                mae = (torch.expm1(pred) - torch.expm1(val_y)).abs().mean().item()
            print(f"epoch {epoch + 1:2d}  val MAE ${mae:.2f}M opening weekend")


if __name__ == "__main__":
    run(ForecastConfig())
