"""Trip-duration regression for a ride-hailing fleet.

Pickup zone and hour-of-day go through embeddings; distance and surge
multiplier are numeric inputs. Trips are kept as one numpy table, the way
they come out of the nightly export.
"""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-trips", type=int, default=2000)
    p.add_argument("--n-zones", type=int, default=60)
    p.add_argument("--emb-dim", type=int, default=8)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=1e-2)
    return p.parse_args()


def make_trip_table(n, n_zones, seed=3):
    rng = np.random.default_rng(seed)
    zone = rng.integers(0, n_zones, size=n)
    pickup_minute = rng.integers(0, 24 * 60, size=n)
    hour = pickup_minute // 60
    distance_km = rng.gamma(2.0, 3.0, size=n)
    surge = 1.0 + rng.exponential(0.3, size=n)
    rush = ((hour >= 7) & (hour <= 9)) | ((hour >= 16) & (hour <= 19))
    duration_min = 4 + distance_km * (2.2 + 1.3 * rush) + 0.05 * zone + rng.normal(0, 2, size=n)
    table = np.column_stack([zone, hour, distance_km, surge, duration_min])
    return table


def standardize(col):
    return (col - col.mean()) / (col.std() + 1e-8)


def to_dataset(table):
    t = torch.from_numpy(table)
    zone_ids = t[:, 0].long()
    hour_ids = t[:, 1].long()
    numeric = torch.stack([standardize(t[:, 2]), standardize(t[:, 3])], dim=1).float()
    target = t[:, 4].float().unsqueeze(1)
    return TensorDataset(zone_ids, hour_ids, numeric, target)


class DurationModel(nn.Module):
    def __init__(self, n_zones, emb_dim):
        super().__init__()
        self.zone_emb = nn.Embedding(n_zones, emb_dim)
        self.hour_emb = nn.Embedding(24, 4)
        self.mlp = nn.Sequential(
            nn.Linear(emb_dim + 4 + 2, 64),
            nn.ReLU(),
            nn.Linear(64, 1),
        )

    def forward(self, zone_ids, hour_ids, numeric):
        feats = torch.cat([self.zone_emb(zone_ids), self.hour_emb(hour_ids), numeric], dim=1)
        return self.mlp(feats)


def train(args):
    torch.manual_seed(0)
    table = make_trip_table(args.n_trips, args.n_zones)
    split = int(0.8 * len(table))
    train_ds, val_ds = to_dataset(table[:split]), to_dataset(table[split:])
    train_dl = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=args.batch_size)

    model = DurationModel(args.n_zones, args.emb_dim)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    mse = nn.MSELoss()

    for epoch in range(args.epochs):
        model.train()
        for zone_ids, hour_ids, numeric, target in train_dl:
            opt.zero_grad()
            loss = mse(model(zone_ids, hour_ids, numeric), target)
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            err = [torch.abs(model(z, h, x) - y) for z, h, x, y in val_dl]
            mae = torch.cat(err).mean().item()
        print(f"epoch {epoch}: val MAE {mae:.2f} min")


if __name__ == "__main__":
    train(parse_args())
