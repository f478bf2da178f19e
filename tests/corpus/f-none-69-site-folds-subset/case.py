"""Pollinator-visit regression with leave-sites-out cross-validation."""
import random
from collections import namedtuple

import torch
import torch.nn as nn

torch.manual_seed(0)
random.seed(0)

Survey = namedtuple("Survey", "site temp_c wind_kmh bloom_pct quality visits")

SITES = ["north_meadow", "orchard_b", "roadside_3", "hedgerow", "creek_bank"]
RECORDS = []
for i in range(30):
    site = SITES[i % len(SITES)]
    temp = 12 + (i * 7) % 15
    wind = (i * 5) % 22
    bloom = (i * 13) % 100
    quality = 0 if i % 4 == 3 else 1 + i % 3  # 0 = observer flagged the transect as unusable
    visits = 0.6 * temp - 0.3 * wind + 0.1 * bloom + random.uniform(-1, 1)
    RECORDS.append(Survey(site, temp, wind, bloom, quality, visits))


def make_splits(keys, n_folds=3):
    """Group folds: all positions sharing a key land in the same test fold."""
    groups = sorted(set(keys))
    folds = [groups[i::n_folds] for i in range(n_folds)]
    splits = []
    for held_out in folds:
        test_pos = [i for i, k in enumerate(keys) if k in held_out]
        train_pos = [i for i, k in enumerate(keys) if k not in held_out]
        splits.append((train_pos, test_pos))
    return splits


def standardize(x, ref):
    mu, sd = ref.mean(0), ref.std(0) + 1e-6
    return (x - mu) / sd


class VisitRegressor(nn.Module):
    def __init__(self, n_in, hidden=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1)


def fit(x, y, epochs=200):
    model = VisitRegressor(x.size(1))
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(epochs):
        loss = nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model, loss.item()


def main():
    usable = [r for r in RECORDS if r.quality > 0]
    print(f"{len(usable)} of {len(RECORDS)} transects usable")
    feats = torch.stack([torch.tensor([r.temp_c, r.wind_kmh, r.bloom_pct], dtype=torch.float)
                         for r in usable])
    target = torch.tensor([r.visits for r in usable], dtype=torch.float)

    keys = [r.site for r in RECORDS]
    splits = make_splits(keys)

    maes = []
    for fold, (train_pos, test_pos) in enumerate(splits):
        x_tr, y_tr = feats[train_pos], target[train_pos]
        x_te, y_te = feats[test_pos], target[test_pos]
        x_te = standardize(x_te, x_tr)
        x_tr = standardize(x_tr, x_tr)
        model, train_loss = fit(x_tr, y_tr)
        with torch.no_grad():
            mae = (model(x_te) - y_te).abs().mean().item()
        maes.append(mae)
        print(f"fold {fold}: train mse {train_loss:.3f}  test mae {mae:.3f}  (n_test={len(test_pos)})")
    print(f"mean held-out MAE: {sum(maes) / len(maes):.3f}")


if __name__ == "__main__":
    main()
