"""Household buildings & contents: probability of a claim in the policy year.

Small TabTransformer: one token per categorical column, a transformer encoder over the
column tokens, then an MLP on [flattened tokens | standardised numerics].
"""
import csv
import math
import os
import random
import tempfile

import torch
import torch.nn as nn

random.seed(11)
torch.manual_seed(11)

CATEGORICAL = ["postcode_district", "construction", "roof_type", "occupancy", "alarm"]
NUMERIC = ["rebuild_value", "contents_value", "year_built", "bedrooms"]
TARGET = "had_claim"


def write_portfolio(path, n_policies=700):
    areas = ["LS", "M", "B", "G", "EH", "CF", "BS", "NE", "S", "L", "NG", "LE"]
    districts = [f"{a}{k}" for a in areas for k in range(1, 13)]
    with open(path, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(CATEGORICAL + NUMERIC + [TARGET])
        for _ in range(n_policies):
            district = random.choice(districts)
            roof = random.choice(["tile", "slate", "flat_felt", "thatch"])
            risk = 0.08 + (0.1 if roof in ("flat_felt", "thatch") else 0.0) + (0.05 if district[0] in "LM" else 0.0)
            w.writerow([
                district,
                random.choice(["brick", "stone", "timber_frame", "non_standard"]),
                roof,
                random.choice(["owner", "tenant", "holiday_let"]),
                random.choice(["none", "bells_only", "monitored"]),
                round(random.uniform(120_000, 650_000), -3),
                round(random.uniform(15_000, 90_000), -2),
                random.randint(1850, 2022),
                random.randint(1, 6),
                int(random.random() < risk),
            ])


def load(path):
    with open(path, newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh)]


class TabTransformer(nn.Module):
    def __init__(self, cardinalities, n_numeric, d_model=16, n_heads=2):
        super().__init__()
        self.col_embeds = nn.ModuleList(nn.Embedding(n, d_model) for n in cardinalities)
        self.col_pos = nn.Parameter(torch.randn(len(cardinalities), d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=32, batch_first=True, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.num_norm = nn.LayerNorm(n_numeric)
        self.head = nn.Sequential(nn.Linear(d_model * len(cardinalities) + n_numeric, 32), nn.GELU(),
                                  nn.Linear(32, 1))

    def forward(self, cat_codes, num_feats):
        tokens = torch.stack([emb(cat_codes[:, j]) for j, emb in enumerate(self.col_embeds)], dim=1)
        ctx = self.encoder(tokens + self.col_pos)
        return self.head(torch.cat([ctx.flatten(1), self.num_norm(num_feats)], dim=1)).squeeze(-1)


def main():
    tmp = tempfile.mkdtemp()
    csv_path = os.path.join(tmp, "home_portfolio.csv")
    write_portfolio(csv_path)
    policies = load(csv_path)
    random.shuffle(policies)
    n_train = int(len(policies) * 0.75)
    train_pol, valid_pol = policies[:n_train], policies[n_train:]

    # level -> code per column, from training policies only; anything new gets the next free code
    lookups = {}
    for col in CATEGORICAL:
        seen = sorted({p[col] for p in train_pol})
        lookups[col] = {lvl: code for code, lvl in enumerate(seen)}

    stats = {}
    for col in NUMERIC:
        vals = [float(p[col]) for p in train_pol]
        mu = sum(vals) / len(vals)
        stats[col] = (mu, math.sqrt(sum((v - mu) ** 2 for v in vals) / len(vals)))

    def tensorise(pols):
        codes = [[lookups[c].get(p[c], len(lookups[c])) for c in CATEGORICAL] for p in pols]
        nums = [[(float(p[c]) - stats[c][0]) / stats[c][1] for c in NUMERIC] for p in pols]
        y = [float(p[TARGET]) for p in pols]
        return torch.tensor(codes), torch.tensor(nums), torch.tensor(y)

    Xc_tr, Xn_tr, y_tr = tensorise(train_pol)
    Xc_va, Xn_va, y_va = tensorise(valid_pol)
    unseen = sum(p["postcode_district"] not in lookups["postcode_district"] for p in valid_pol)
    print(f"{len(train_pol)} train / {len(valid_pol)} valid policies, {unseen} valid rows in new districts")

    model = TabTransformer([len(lookups[c]) + 1 for c in CATEGORICAL], len(NUMERIC))
    pos_weight = (len(y_tr) - y_tr.sum()) / y_tr.sum()
    criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(1):
        model.train()
        perm = torch.randperm(len(y_tr))
        running = 0.0
        for start in range(0, len(perm), 50):
            b = perm[start:start + 50]
            loss = criterion(model(Xc_tr[b], Xn_tr[b]), y_tr[b])
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item() * len(b)

        model.eval()
        with torch.no_grad():
            val_logits = model(Xc_va, Xn_va)
            val_loss = criterion(val_logits, y_va).item()
        print(f"epoch {epoch}  train {running / len(y_tr):.4f}  valid {val_loss:.4f}")

    flagged = (torch.sigmoid(val_logits) > 0.5).sum().item()
    print(f"policies flagged for underwriting review: {flagged}/{len(y_va)}")


if __name__ == "__main__":
    main()
