"""Neural chain ladder on a cumulative paid triangle.

Triangle comes in as a dict of development columns (months 12..120), one value
per accident year, NaN in the unobserved lower-right corner.  A small net learns
log link ratios from (development lag, log cumulative paid, accident year), then
the triangle is completed and reserves read off the diagonal.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

ORIGIN_YEARS = list(range(2014, 2024))
DEV_MONTHS = [12 * k for k in range(1, 11)]
TAIL_FACTOR = 1.015


def simulate_paid_triangle(rng):
    n = len(ORIGIN_YEARS)
    ultimate = rng.lognormal(np.log(8e6), 0.15, size=n) * np.linspace(1.0, 1.35, n)
    pattern = np.array([0.28, 0.52, 0.68, 0.79, 0.87, 0.92, 0.955, 0.975, 0.99, 1.0])
    cols = {}
    for j, m in enumerate(DEV_MONTHS):
        noise = rng.normal(1.0, 0.02, size=n)
        vals = ultimate * pattern[j] * noise
        vals[n - j:] = np.nan
        cols[f"dev_{m:03d}"] = vals
    return cols


def triangle_tensor(cols):
    keys = sorted(cols, key=lambda k: int(k.split("_")[1]))
    return torch.tensor(np.column_stack([cols[k] for k in keys]), dtype=torch.float32)


def link_ratio_pairs(tri):
    n_origin, n_dev = tri.shape
    feats, targets = [], []
    for j in range(n_dev - 1):
        both = ~torch.isnan(tri[:, j]) & ~torch.isnan(tri[:, j + 1])
        rows = torch.nonzero(both).squeeze(1)
        for i in rows.tolist():
            feats.append([j / (n_dev - 1), torch.log(tri[i, j]).item() / 16.0, i / (n_origin - 1)])
            targets.append(torch.log(tri[i, j + 1] / tri[i, j]).item())
    return torch.tensor(feats), torch.tensor(targets)


class LinkRatioNet(nn.Module):
    def __init__(self, n_in=3, width=24):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_in, width), nn.SiLU(),
            nn.Linear(width, width), nn.SiLU(),
            nn.Linear(width, 1),
        )

    def forward(self, x):
        return nn.functional.softplus(self.body(x)).squeeze(-1)


def fit(model, X, y, epochs=200, lr=1e-2):
    dl = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for ep in range(epochs):
        for xb, yb in dl:
            loss = nn.functional.mse_loss(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if ep % 50 == 0:
            print(f"  epoch {ep:3d}  mse {loss.item():.6f}")
    return model


@torch.no_grad()
def complete_triangle(model, tri):
    full = tri.clone()
    n_origin, n_dev = full.shape
    for k in range(1, n_dev):
        missing = torch.isnan(full[:, k])
        if not missing.any():
            continue
        prev = full[:, k - 1]
        x = torch.stack([
            torch.full((n_origin,), (k - 1) / (n_dev - 1)),
            torch.log(prev) / 16.0,
            torch.arange(n_origin) / (n_origin - 1),
        ], dim=1)
        full[:, k] = torch.where(missing, prev * torch.exp(model(x)), full[:, k])
    return full


def latest_diagonal(tri):
    last_idx = (~torch.isnan(tri)).sum(dim=1) - 1
    return tri[torch.arange(tri.shape[0]), last_idx]


if __name__ == "__main__":
    rng = np.random.default_rng(2024)
    torch.manual_seed(2024)

    paid = simulate_paid_triangle(rng)
    tri = triangle_tensor(paid)
    print("observed cells:", int((~torch.isnan(tri)).sum()))

    X, y = link_ratio_pairs(tri)
    print("training pairs:", len(y), " mean log link ratio:", round(y.mean().item(), 4))

    net = fit(LinkRatioNet(), X, y)

    full = complete_triangle(net, tri)
    ultimate = full[:, -1] * TAIL_FACTOR
    reserve = ultimate - latest_diagonal(tri)

    summary = {
        "origin": np.array(ORIGIN_YEARS),
        "paid_to_date": latest_diagonal(tri).numpy(),
        "ultimate": ultimate.numpy(),
        "reserve": reserve.numpy(),
    }
    for r in range(len(ORIGIN_YEARS)):
        print(f"{summary['origin'][r]:>6d}", " ".join(f"{summary[c][r]:>14,.0f}" for c in list(summary)[1:]))
    print(f"total IBNR + case reserve: {summary['reserve'].sum():,.0f}")
