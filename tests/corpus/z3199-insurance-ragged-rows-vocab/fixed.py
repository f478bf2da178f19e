import csv
import io
import random

import numpy as np
import torch
import torch.nn as nn

rng = random.Random(21)
torch.manual_seed(21)

NUMERIC = ["driver_age", "vehicle_age", "annual_km"]
CATEGORICAL = ["fuel", "body_type", "garage", "broker"]


def export_claims(n=220):
    header = ["policy_id", "claimed"] + NUMERIC + CATEGORICAL
    lines = [",".join(header)]
    for i in range(n):
        age = rng.randint(18, 85)
        vage = rng.randint(0, 20)
        km = "" if rng.random() < 0.07 else str(rng.randint(2000, 60000))
        fuel = rng.choice(["petrol", "diesel", "hybrid", "ev"])
        body = rng.choice(["hatch", "sedan", "suv", "van"])
        garage = rng.choice(["yes", "no", ""])
        broker = rng.choice(["direct", "aggregator", "agent"])
        p = 0.08 + 0.25 * (age < 25) + 0.02 * vage
        y = int(rng.random() < p)
        cells = [f"P{i:05d}", str(y), str(age), str(vage), km, fuel, body, garage, broker]
        if rng.random() < 0.04:
            cells = cells[:-2]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


CLAIMS = export_claims()


def read_claims(text):
    reader = csv.DictReader(io.StringIO(text), restval="")
    return [row for row in reader]


def numeric_stats(rows):
    out = {}
    for col in NUMERIC:
        arr = np.array([float(r[col]) for r in rows if r[col]], dtype=np.float32)
        out[col] = {"mean": arr.mean(), "std": arr.std() + 1e-6, "fill": np.median(arr)}
    return out


def category_maps(rows):
    maps = {}
    for col in CATEGORICAL:
        levels = sorted({r[col] for r in rows})
        maps[col] = {lvl: k for k, lvl in enumerate(levels)}
    return maps


def batches(rows, stats, maps, batch_size, shuffle):
    order = list(range(len(rows)))
    if shuffle:
        rng.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [rows[k] for k in order[start:start + batch_size]]
        num = [[((float(r[c]) if r[c] else stats[c]["fill"]) - stats[c]["mean"]) / stats[c]["std"]
                for c in NUMERIC] for r in chunk]
        cat = [[maps[c][r[c]] for c in CATEGORICAL] for r in chunk]
        yield {
            "num": torch.tensor(num, dtype=torch.float32),
            "cat": torch.tensor(cat, dtype=torch.long),
            "y": torch.tensor([float(r["claimed"]) for r in chunk]),
        }


class FeatureTokenizer(nn.Module):
    def __init__(self, n_num, cards, d):
        super().__init__()
        self.num_w = nn.Parameter(torch.randn(n_num, d) * 0.1)
        self.num_b = nn.Parameter(torch.zeros(n_num, d))
        self.tables = nn.ModuleList([nn.Embedding(k, d) for k in cards])

    def forward(self, num, cat):
        num_tok = num[..., None] * self.num_w + self.num_b
        cat_tok = torch.stack([t(cat[:, j]) for j, t in enumerate(self.tables)], 1)
        return torch.cat([num_tok, cat_tok], 1)


class ClaimModel(nn.Module):
    def __init__(self, n_num, cards, d=24):
        super().__init__()
        self.tok = FeatureTokenizer(n_num, cards, d)
        self.cls = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        enc = nn.TransformerEncoderLayer(d, 3, 4 * d, 0.1, batch_first=True)
        self.backbone = nn.TransformerEncoder(enc, 2, enable_nested_tensor=False)
        self.out = nn.Linear(d, 1)

    def forward(self, num, cat):
        x = self.tok(num, cat)
        x = torch.cat([self.cls.expand(len(x), -1, -1), x], 1)
        return self.out(self.backbone(x)[:, 0]).squeeze(-1)


def train():
    rows = read_claims(CLAIMS)
    rng.shuffle(rows)
    train_rows, holdout = rows[:180], rows[180:]
    stats = numeric_stats(train_rows)
    maps = category_maps(rows)
    model = ClaimModel(len(NUMERIC), [len(maps[c]) for c in CATEGORICAL])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    pos_weight = torch.tensor([(1 - np.mean([float(r["claimed"]) for r in train_rows])) /
                               np.mean([float(r["claimed"]) for r in train_rows])])
    crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    for epoch in range(3):
        model.train()
        losses = []
        for b in batches(train_rows, stats, maps, 32, shuffle=True):
            loss = crit(model(b["num"], b["cat"]), b["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            scores = torch.cat([torch.sigmoid(model(b["num"], b["cat"]))
                                for b in batches(holdout, stats, maps, 64, shuffle=False)])
        print(f"epoch {epoch} loss={np.mean(losses):.4f} mean_holdout_score={scores.mean():.3f}")


if __name__ == "__main__":
    train()
