import csv
import io
import random
import statistics
from datetime import date, timedelta

import numpy as np
import torch
import torch.nn as nn

random.seed(2024)
torch.manual_seed(2024)

STORES = [f"S{i:02d}" for i in range(1, 9)]
DEPTS = ["grocery", "dairy", "bakery", "produce", "frozen", "household"]
PROMOS = ["none", "flyer", "tv", "coupon"]


def generate_sales_csv():
    start = date(2023, 1, 2)
    lines = ["day,store,dept,promo,temperature,fuel_price,units"]
    for d in range(60):
        day = start + timedelta(days=d)
        for store in STORES:
            for dept in random.sample(DEPTS, 3):
                temp = "" if random.random() < 0.05 else f"{random.gauss(12, 8):.1f}"
                fuel = f"{random.uniform(1.6, 2.1):.3f}"
                promo = random.choice(PROMOS)
                base = 50 + 10 * STORES.index(store) + (25 if promo != "none" else 0)
                lines.append(f"{day.isoformat()},{store},{dept},{promo},{temp},{fuel},{max(0, int(random.gauss(base, 12)))}")
    opening = start + timedelta(days=47)
    lines.append(f"{opening.isoformat()},S09,bakery,flyer,9.5,1.845,71")
    for d in range(48, 60):
        day = start + timedelta(days=d)
        for dept in random.sample(DEPTS, 2):
            lines.append(f"{day.isoformat()},S09,{dept},none,{random.gauss(12, 8):.1f},1.900,{int(random.gauss(70, 10))}")
    return "\n".join(lines) + "\n"


SALES = generate_sales_csv()


def load(text):
    reader = csv.DictReader(io.StringIO(text))
    return sorted(reader, key=lambda r: r["day"])


def fit_encoders(rows, cat_cols):
    enc = {}
    for col in cat_cols:
        seen = sorted({r[col] for r in rows})
        enc[col] = {"__missing__": 0, **{v: i + 1 for i, v in enumerate(seen)}}
    return enc


def per_store_target_stats(rows):
    by_store = {}
    for r in rows:
        by_store.setdefault(r["store"], []).append(float(r["units"]))
    return {s: (statistics.mean(v), statistics.stdev(v) if len(v) > 1 else 1.0) for s, v in by_store.items()}


def numeric_stats(rows, cols):
    out = {}
    for c in cols:
        vals = [float(r[c]) for r in rows if r[c]]
        out[c] = (statistics.fmean(vals), statistics.pstdev(vals) or 1.0)
    return out


def make_batches(rows, enc, num_stats, tgt_stats, batch_size):
    cat_cols = list(enc)

    def featurize(r):
        cats = [enc[c].get(r[c], 0) for c in cat_cols]
        nums, flags = [], []
        for c, (m, s) in num_stats.items():
            if r[c]:
                nums.append((float(r[c]) - m) / s)
                flags.append(0.0)
            else:
                nums.append(0.0)
                flags.append(1.0)
        mu, sd = tgt_stats[r["store"]]
        return cats, nums + flags, (float(r["units"]) - mu) / sd

    feats = [featurize(r) for r in rows]
    random.shuffle(feats)
    for i in range(0, len(feats), batch_size):
        chunk = feats[i:i + batch_size]
        yield (torch.tensor([f[0] for f in chunk]),
               torch.tensor([f[1] for f in chunk], dtype=torch.float32),
               torch.tensor([f[2] for f in chunk], dtype=torch.float32))


class SalesTabTransformer(nn.Module):
    def __init__(self, cards, n_cont, dim=24):
        super().__init__()
        self.embeds = nn.ModuleList([nn.Embedding(k, dim) for k in cards])
        layer = nn.TransformerEncoderLayer(dim, nhead=3, dim_feedforward=48, batch_first=True)
        self.blocks = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.cont_norm = nn.LayerNorm(n_cont)
        self.out = nn.Sequential(nn.Linear(dim * len(cards) + n_cont, 48), nn.ReLU(), nn.Linear(48, 1))

    def forward(self, cats, cont):
        x = torch.stack([emb(cats[:, j]) for j, emb in enumerate(self.embeds)], dim=1)
        x = self.blocks(x).flatten(1)
        return self.out(torch.cat([x, self.cont_norm(cont)], dim=1)).squeeze(-1)


def main():
    rows = load(SALES)
    cutoff = "2023-02-18"
    train = [r for r in rows if r["day"] <= cutoff]
    valid = [r for r in rows if r["day"] > cutoff]
    cat_cols = ["store", "dept", "promo"]
    num_cols = ["temperature", "fuel_price"]

    enc = fit_encoders(train, cat_cols)
    cards = [len(enc[c]) for c in cat_cols]
    num_stats = numeric_stats(train, num_cols)
    tgt_stats = per_store_target_stats(train)
    print("train rows", len(train), "valid rows", len(valid), "cards", cards)

    model = SalesTabTransformer(cards, 2 * len(num_cols))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(2):
        model.train()
        losses = []
        for cats, cont, y in make_batches(train, enc, num_stats, tgt_stats, 64):
            loss = nn.functional.smooth_l1_loss(model(cats, cont), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            vl = [nn.functional.smooth_l1_loss(model(c, x), y).item()
                  for c, x, y in make_batches(valid, enc, num_stats, tgt_stats, 256)]
        print(f"epoch {epoch} train {np.mean(losses):.4f} valid {np.mean(vl):.4f}")


if __name__ == "__main__":
    main()
