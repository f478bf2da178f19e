"""Motor claims: predict the severity band of a claim from policy/vehicle attributes.

Entity embeddings for the categorical columns, standardised numerics, small MLP head.
"""
import bisect
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

# claim cost thresholds (GBP) used by the claims team for reserving bands
SEVERITY_EDGES = [500.0, 2000.0, 10000.0, 50000.0]
CAT_COLS = ["vehicle_group", "region", "cover_type", "driver_band"]
NUM_COLS = ["driver_age", "vehicle_age", "annual_mileage", "ncd_years"]


def make_extract(path, n=600):
    groups = [f"G{i:02d}" for i in range(1, 21)]
    regions = ["NE", "NW", "YH", "EM", "WM", "EE", "LON", "SE", "SW", "WAL", "SCO"]
    covers = ["COMP", "TPFT", "TPO"]
    dbands = ["17-24", "25-39", "40-59", "60+"]
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CAT_COLS + NUM_COLS + ["claim_cost"])
        w.writeheader()
        for _ in range(n):
            age = random.randint(17, 85)
            cost = random.lognormvariate(7.5, 1.6)
            w.writerow({
                "vehicle_group": random.choice(groups),
                "region": random.choice(regions),
                "cover_type": random.choice(covers),
                "driver_band": dbands[min(3, max(0, (age - 17) // 12))],
                "driver_age": age,
                "vehicle_age": random.randint(0, 18),
                "annual_mileage": round(random.gauss(8500, 3000)),
                "ncd_years": random.randint(0, 15),
                "claim_cost": round(cost, 2),
            })


def severity_band(cost):
    return bisect.bisect_right(SEVERITY_EDGES, cost)


class SeverityNet(nn.Module):
    def __init__(self, cardinalities, n_numeric, n_bands, emb_dim=6):
        super().__init__()
        self.embs = nn.ModuleList(nn.Embedding(c, emb_dim) for c in cardinalities)
        width = emb_dim * len(cardinalities) + n_numeric
        self.mlp = nn.Sequential(nn.Linear(width, 64), nn.ReLU(), nn.Dropout(0.1),
                                 nn.Linear(64, n_bands))

    def forward(self, cat_ids, numerics):
        parts = [emb(cat_ids[:, j]) for j, emb in enumerate(self.embs)]
        return self.mlp(torch.cat(parts + [numerics], dim=1))


def main():
    workdir = tempfile.mkdtemp()
    path = os.path.join(workdir, "motor_claims.csv")
    make_extract(path)
    with open(path, newline="") as fh:
        claims = list(csv.DictReader(fh))
    random.shuffle(claims)
    cut = int(0.8 * len(claims))
    train_rows, valid_rows = claims[:cut], claims[cut:]

    # category -> id maps from the training rows; 0 is kept for levels unseen in training
    levels = {c: {v: i + 1 for i, v in enumerate(sorted({r[c] for r in train_rows}))} for c in CAT_COLS}
    means = {c: sum(float(r[c]) for r in train_rows) / len(train_rows) for c in NUM_COLS}
    stds = {c: (sum((float(r[c]) - means[c]) ** 2 for r in train_rows) / len(train_rows)) ** 0.5
            for c in NUM_COLS}

    def encode(rows):
        cats = torch.tensor([[levels[c].get(r[c], 0) for c in CAT_COLS] for r in rows])
        nums = torch.tensor([[(float(r[c]) - means[c]) / stds[c] for c in NUM_COLS] for r in rows])
        bands = torch.tensor([severity_band(float(r["claim_cost"])) for r in rows])
        return cats, nums, bands

    tr_cat, tr_num, tr_band = encode(train_rows)
    va_cat, va_num, va_band = encode(valid_rows)

    n_bands = len(SEVERITY_EDGES)
    model = SeverityNet([len(levels[c]) + 1 for c in CAT_COLS], len(NUM_COLS), n_bands)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    batch = 64
    for epoch in range(6):
        model.train()
        order = torch.randperm(len(tr_band))
        total = 0.0
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            logits = model(tr_cat[idx], tr_num[idx])
            loss = F.cross_entropy(logits, tr_band[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            pred = model(va_cat, va_num).argmax(dim=1)
        acc = (pred == va_band).float().mean().item()
        print(f"epoch {epoch}: train loss {total / len(order):.4f}  valid acc {acc:.3f}")

    counts = torch.bincount(pred, minlength=n_bands)
    print("predicted band mix on validation:", counts.tolist())


if __name__ == "__main__":
    main()
