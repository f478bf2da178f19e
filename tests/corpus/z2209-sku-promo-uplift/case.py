import csv
import os
import random
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "data")
N_STORES = 8
N_CATALOG = 240
N_WEEKS = 20
LAGS = 4
SEED = 11


def write_synthetic_extract(data_dir):
    os.makedirs(data_dir, exist_ok=True)
    rng = np.random.default_rng(SEED)
    catalog = [f"SKU-{k:05d}" for k in range(N_CATALOG)]
    departments = ["grocery", "dairy", "frozen", "household", "personal_care"]
    with open(os.path.join(data_dir, "catalog.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sku", "department", "list_price"])
        for sku in catalog:
            w.writerow([sku, rng.choice(departments), round(float(rng.uniform(1, 25)), 2)])

    carried = [s for s in catalog if rng.random() < 0.75]
    with open(os.path.join(data_dir, "weekly_sales.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["store_id", "sku", "week", "units", "discount_pct"])
        for store in range(N_STORES):
            assortment = [s for s in carried if rng.random() < 0.5]
            for sku in assortment:
                base = rng.gamma(2.0, 4.0)
                for week in range(N_WEEKS):
                    disc = float(rng.choice([0, 0, 0, 0, 10, 20, 30]))
                    units = rng.poisson(base * (1 + disc / 25))
                    w.writerow([f"S{store:02d}", sku, week, int(units), disc])


def load_catalog(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    sku_to_idx = {r["sku"]: i for i, r in enumerate(sorted(rows, key=lambda r: r["sku"]))}
    dept_names = sorted({r["department"] for r in rows})
    dept_to_idx = {d: i for i, d in enumerate(dept_names)}
    sku_dept = {r["sku"]: dept_to_idx[r["department"]] for r in rows}
    return sku_to_idx, dept_to_idx, sku_dept


def load_sales(path):
    series = defaultdict(list)
    with open(path) as f:
        for r in csv.DictReader(f):
            series[(r["store_id"], r["sku"])].append(
                (int(r["week"]), float(r["units"]), float(r["discount_pct"]))
            )
    for key in series:
        series[key].sort()
    return series


def summarize(series):
    stores = {s for s, _ in series}
    skus = {k for _, k in series}
    return {"n_stores": len(stores), "n_skus": len(skus), "n_series": len(series)}


class PromoWeekDataset(Dataset):
    def __init__(self, series, store_to_idx, sku_to_idx, sku_dept, lags=LAGS):
        self.examples = []
        for (store, sku), obs in series.items():
            units = [u for _, u, _ in obs]
            discounts = [d for _, _, d in obs]
            for t in range(lags, len(obs)):
                self.examples.append({
                    "store": store_to_idx[store],
                    "sku": sku_to_idx[sku],
                    "dept": sku_dept[sku],
                    "lags": units[t - lags:t],
                    "discount": discounts[t],
                    "units": units[t],
                })

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, i):
        return self.examples[i]


def collate_promo_weeks(batch):
    lags = torch.tensor([ex["lags"] for ex in batch], dtype=torch.float32)
    return {
        "store": torch.tensor([ex["store"] for ex in batch], dtype=torch.long),
        "sku": torch.tensor([ex["sku"] for ex in batch], dtype=torch.long),
        "dept": torch.tensor([ex["dept"] for ex in batch], dtype=torch.long),
        "lags": torch.log1p(lags),
        "discount": torch.tensor([[ex["discount"] / 100.0] for ex in batch]),
        "units": torch.tensor([ex["units"] for ex in batch], dtype=torch.float32),
    }


class PromoUpliftModel(nn.Module):
    def __init__(self, n_stores, n_skus, n_depts, dim=16, lags=LAGS):
        super().__init__()
        self.store_emb = nn.Embedding(n_stores, dim)
        self.sku_emb = nn.Embedding(n_skus, dim)
        self.dept_emb = nn.Embedding(n_depts, dim)
        self.elasticity = nn.Embedding(n_depts, 1)
        self.mlp = nn.Sequential(nn.Linear(3 * dim + lags, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, store, sku, dept, lags, discount):
        z = torch.cat([self.store_emb(store), self.sku_emb(sku), self.dept_emb(dept), lags], dim=-1)
        base_log_rate = self.mlp(z)
        uplift = torch.nn.functional.softplus(self.elasticity(dept)) * discount
        return (base_log_rate + uplift).squeeze(-1)


def main():
    torch.manual_seed(SEED)
    random.seed(SEED)
    write_synthetic_extract(DATA_DIR)
    sku_to_idx, dept_to_idx, sku_dept = load_catalog(os.path.join(DATA_DIR, "catalog.csv"))
    series = load_sales(os.path.join(DATA_DIR, "weekly_sales.csv"))
    stats = summarize(series)
    print(stats)
    store_to_idx = {s: i for i, s in enumerate(sorted({s for s, _ in series}))}

    ds = PromoWeekDataset(series, store_to_idx, sku_to_idx, sku_dept)
    loader = DataLoader(ds, batch_size=256, shuffle=True, collate_fn=collate_promo_weeks)
    model = PromoUpliftModel(stats["n_stores"], stats["n_skus"], len(dept_to_idx))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    loss_fn = nn.PoissonNLLLoss(log_input=True)

    for epoch in range(2):
        total = 0.0
        for batch in loader:
            log_rate = model(batch["store"], batch["sku"], batch["dept"], batch["lags"], batch["discount"])
            loss = loss_fn(log_rate, batch["units"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["units"])
        print(f"epoch {epoch}: poisson nll {total / len(ds):.4f}")


if __name__ == "__main__":
    main()
