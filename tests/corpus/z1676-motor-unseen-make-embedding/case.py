"""Claim frequency model for the motor book: entity embeddings for the
categorical rating factors plus standardised numeric factors, Poisson loss.
Trained on underwriting years 2019-2022, validated on 2023."""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn

random.seed(7)
torch.manual_seed(7)

CAT_COLS = ["vehicle_make", "region", "fuel_type"]
NUM_COLS = ["driver_age", "vehicle_age", "annual_km"]
TARGET = "claim_count"

MAKES_BY_YEAR = {
    2019: ["Ford", "Vauxhall", "Toyota", "VW", "Nissan"],
    2020: ["Ford", "Vauxhall", "Toyota", "VW", "Nissan", "Kia"],
    2021: ["Ford", "Vauxhall", "Toyota", "VW", "Nissan", "Kia", "Hyundai"],
    2022: ["Ford", "Vauxhall", "Toyota", "VW", "Nissan", "Kia", "Hyundai"],
    2023: ["Ford", "Vauxhall", "Toyota", "VW", "Kia", "Hyundai", "Tesla", "MG"],
}
REGIONS = ["North", "Midlands", "London", "South West", "Scotland", "Wales"]
FUELS = ["petrol", "diesel", "hybrid", "electric"]


def write_extract(path, n_per_year=300):
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["uw_year"] + CAT_COLS + NUM_COLS + [TARGET])
        writer.writeheader()
        for year, makes in MAKES_BY_YEAR.items():
            for _ in range(n_per_year):
                age = random.randint(18, 85)
                km = random.gauss(11000, 4000)
                lam = 0.05 + (0.15 if age < 25 else 0.0) + max(km, 0) / 200000
                writer.writerow({
                    "uw_year": year,
                    "vehicle_make": random.choice(makes),
                    "region": random.choice(REGIONS),
                    "fuel_type": random.choice(FUELS),
                    "driver_age": age,
                    "vehicle_age": random.randint(0, 15),
                    "annual_km": round(max(km, 500.0), 1),
                    TARGET: int(torch.poisson(torch.tensor(lam)).item()),
                })


def read_extract(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def build_vocabs(rows):
    vocabs = {}
    for col in CAT_COLS:
        levels = sorted({r[col] for r in rows})
        vocabs[col] = {level: i for i, level in enumerate(levels)}
    return vocabs


def numeric_stats(rows):
    stats = {}
    for col in NUM_COLS:
        vals = torch.tensor([float(r[col]) for r in rows])
        stats[col] = (vals.mean().item(), vals.std().item())
    return stats


def to_tensors(rows, vocabs, stats):
    cat_ids = []
    for col in CAT_COLS:
        vocab = vocabs[col]
        cat_ids.append([vocab.get(r[col], len(vocab)) for r in rows])
    cats = torch.tensor(cat_ids, dtype=torch.long).T
    nums = torch.tensor(
        [[(float(r[c]) - stats[c][0]) / stats[c][1] for c in NUM_COLS] for r in rows],
        dtype=torch.float32,
    )
    y = torch.tensor([float(r[TARGET]) for r in rows])
    return cats, nums, y


class FrequencyNet(nn.Module):
    def __init__(self, cardinalities, n_numeric, emb_dim=4, hidden=32):
        super().__init__()
        self.embeddings = nn.ModuleList(
            [nn.Embedding(cardinalities[col], emb_dim) for col in CAT_COLS]
        )
        self.mlp = nn.Sequential(
            nn.Linear(emb_dim * len(CAT_COLS) + n_numeric, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, cats, nums):
        embedded = [emb(cats[:, j]) for j, emb in enumerate(self.embeddings)]
        x = torch.cat(embedded + [nums], dim=1)
        return self.mlp(x).squeeze(-1)  # log of expected claim count


def main():
    workdir = tempfile.mkdtemp()
    path = os.path.join(workdir, "motor_policies.csv")
    write_extract(path)
    rows = read_extract(path)

    train_rows = [r for r in rows if int(r["uw_year"]) <= 2022]
    valid_rows = [r for r in rows if int(r["uw_year"]) == 2023]

    vocabs = build_vocabs(train_rows)
    stats = numeric_stats(train_rows)
    cardinalities = {col: len(vocabs[col]) for col in CAT_COLS}
    print("cardinalities:", cardinalities)

    tr_cats, tr_nums, tr_y = to_tensors(train_rows, vocabs, stats)
    va_cats, va_nums, va_y = to_tensors(valid_rows, vocabs, stats)

    model = FrequencyNet(cardinalities, len(NUM_COLS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.PoissonNLLLoss(log_input=True)

    batch_size = 128
    for epoch in range(5):
        model.train()
        perm = torch.randperm(len(tr_y))
        total = 0.0
        for start in range(0, len(perm), batch_size):
            idx = perm[start:start + batch_size]
            opt.zero_grad()
            loss = loss_fn(model(tr_cats[idx], tr_nums[idx]), tr_y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)

        model.eval()
        with torch.no_grad():
            va_loss = loss_fn(model(va_cats, va_nums), va_y).item()
        print(f"epoch {epoch}: train {total / len(tr_y):.4f}  valid {va_loss:.4f}")


if __name__ == "__main__":
    main()
