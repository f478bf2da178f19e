"""Marine cargo - probability that a shipment declaration ends in a claim.
Entity embeddings for the categorical rating factors (one table per column,
width from the usual fastai-style rule), standardised numerics, small MLP."""
import csv
import math
import os
import random
import tempfile

import torch
import torch.nn as nn

random.seed(3)
torch.manual_seed(3)

CAT_COLS = ["commodity", "packing", "conveyance", "origin_port", "incoterm"]
NUM_COLS = ["cargo_value", "transit_days", "containers"]
TARGET = "had_claim"
LEVELS = {
    "commodity": ["electronics", "textiles", "machinery", "foodstuff", "chemicals", "furniture", "pharma"],
    "packing": ["fcl", "lcl", "bulk", "pallet"],
    "conveyance": ["sea", "air", "road", "rail", "sea_road"],
    "origin_port": ["SHA", "SIN", "RTM", "HAM", "LAX", "DXB", "NSA", "SAN", "BUS"],
    "incoterm": ["FOB", "CIF", "EXW", "DAP", "DDP", "CFR"],
}


def write_declarations(path, n=1200):
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["cert_no"] + CAT_COLS + NUM_COLS + [TARGET])
        w.writeheader()
        for i in range(n):
            rec = {"cert_no": f"MC{70000 + i}"}
            for c in CAT_COLS:
                rec[c] = random.choice(LEVELS[c])
            rec["cargo_value"] = round(random.lognormvariate(11, 1.1), 2)
            rec["transit_days"] = random.randint(2, 60)
            rec["containers"] = random.randint(1, 12)
            risk = 0.08 + 0.1 * (rec["commodity"] in ("electronics", "pharma")) + 0.05 * (rec["packing"] == "lcl")
            rec[TARGET] = int(random.random() < risk)
            w.writerow(rec)


def read_declarations(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def emb_width(n_levels):
    return min(12, (n_levels + 1) // 2)


def build_vocabs(rows):
    vocabs = {}
    for c in CAT_COLS:
        seen = sorted({r[c] for r in rows})
        vocabs[c] = {lvl: i + 1 for i, lvl in enumerate(seen)}  # 0 = not seen in training
    return vocabs


def numeric_stats(rows):
    stats = {}
    for c in NUM_COLS:
        vals = [math.log1p(float(r[c])) if c == "cargo_value" else float(r[c]) for r in rows]
        mu = sum(vals) / len(vals)
        sd = (sum((v - mu) ** 2 for v in vals) / len(vals)) ** 0.5
        stats[c] = (mu, sd or 1.0)
    return stats


def to_tensors(rows, vocabs, stats):
    cats = [[vocabs[c].get(r[c], 0) for c in CAT_COLS] for r in rows]
    nums = []
    for r in rows:
        vec = []
        for c in NUM_COLS:
            v = math.log1p(float(r[c])) if c == "cargo_value" else float(r[c])
            vec.append((v - stats[c][0]) / stats[c][1])
        nums.append(vec)
    y = [float(r[TARGET]) for r in rows]
    return torch.tensor(cats), torch.tensor(nums), torch.tensor(y)


class CargoNet(nn.Module):
    def __init__(self, vocabs, n_numeric, hidden=32):
        super().__init__()
        tables = []
        for c in CAT_COLS:
            n_rows = len(vocabs[c]) + 1
            tables.append(nn.Embedding(n_rows, emb_width(n_rows)))
        self.tables = nn.ModuleList(tables)
        cat_width = sum(emb_width(len(vocabs[c])) for c in CAT_COLS)
        self.mlp = nn.Sequential(
            nn.Linear(cat_width + n_numeric, hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, 1),
        )

    def forward(self, cats, nums):
        parts = [tbl(cats[:, j]) for j, tbl in enumerate(self.tables)]
        x = torch.cat(parts + [nums], dim=1)
        return self.mlp(x).squeeze(-1)


def main():
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "cargo_declarations.csv")
    write_declarations(path)
    rows = read_declarations(path)
    random.shuffle(rows)
    cut = int(0.8 * len(rows))
    train_rows, valid_rows = rows[:cut], rows[cut:]

    vocabs = build_vocabs(train_rows)
    stats = numeric_stats(train_rows)
    tr_cat, tr_num, tr_y = to_tensors(train_rows, vocabs, stats)
    va_cat, va_num, va_y = to_tensors(valid_rows, vocabs, stats)

    model = CargoNet(vocabs, n_numeric=len(NUM_COLS))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(5):
        model.train()
        perm = torch.randperm(len(tr_y))
        total = 0.0
        for s in range(0, len(perm), 64):
            idx = perm[s:s + 64]
            opt.zero_grad()
            loss = loss_fn(model(tr_cat[idx], tr_num[idx]), tr_y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            va_loss = loss_fn(model(va_cat, va_num), va_y).item()
        print(f"epoch {epoch}  train {total / len(tr_y):.4f}  valid {va_loss:.4f}")


if __name__ == "__main__":
    main()
