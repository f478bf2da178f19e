"""Pet insurance: probability that a policy has a vet-fee claim in its first
policy year. Quote data exported to CSV by the rating engine, read back here.
Breed group / species / region / cover level as embeddings."""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(21)
torch.manual_seed(21)

CATS = ["species", "breed_group", "region", "cover_level"]
NUMS = ["pet_age_months", "annual_premium", "excess"]
LABEL = "claim_flag"

BREEDS = {
    "dog": ["toy", "terrier", "gundog", "hound", "working", "pastoral", "crossbreed"],
    "cat": ["domestic_short", "domestic_long", "pedigree"],
}


def export_quotes(path, n=1200):
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["quote_id"] + CATS + NUMS + [LABEL])
        w.writeheader()
        for q in range(n):
            species = random.choice(["dog", "dog", "cat"])
            if species == "dog" and q > 1000:
                breed = random.choice(BREEDS["dog"] + ["designer_cross"])
            else:
                breed = random.choice(BREEDS[species])
            age = random.randint(2, 150)
            p = 0.2 + 0.15 * (age > 96) + 0.1 * (breed in ("pastoral", "pedigree"))
            w.writerow({
                "quote_id": f"PQ{q:05d}",
                "species": species,
                "breed_group": breed,
                "region": random.choice(["NE", "NW", "Yorks", "Mids", "London", "SE", "SW"]),
                "cover_level": random.choice(["accident_only", "time_limited", "lifetime"]),
                "pet_age_months": age,
                "annual_premium": round(random.uniform(80, 900), 2),
                "excess": random.choice([0, 50, 99, 150]),
                LABEL: int(random.random() < p),
            })


class QuoteTable(Dataset):
    def __init__(self, records, lookups, centre, spread):
        self.records = records
        self.lookups = lookups
        self.centre = centre
        self.spread = spread

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        rec = self.records[i]
        ids = torch.tensor([self.lookups[c].get(rec[c], 0) for c in CATS])
        nums = torch.tensor([(float(rec[c]) - self.centre[c]) / self.spread[c] for c in NUMS])
        return ids, nums, torch.tensor(float(rec[LABEL]))


class ClaimPropensity(nn.Module):
    def __init__(self, lookups, dim=5):
        super().__init__()
        self.emb = nn.ModuleList([nn.Embedding(len(lookups[c]) + 1, dim) for c in CATS])
        self.net = nn.Sequential(
            nn.Linear(dim * len(CATS) + len(NUMS), 32), nn.ReLU(),
            nn.Linear(32, 16), nn.ReLU(),
            nn.Linear(16, 1),
        )

    def forward(self, ids, nums):
        vecs = [table(ids[:, k]) for k, table in enumerate(self.emb)]
        return self.net(torch.cat(vecs + [nums], dim=1)).squeeze(1)


def main():
    out_dir = tempfile.mkdtemp()
    quotes_csv = os.path.join(out_dir, "pet_quotes.csv")
    export_quotes(quotes_csv)
    with open(quotes_csv, newline="") as fh:
        quotes = list(csv.DictReader(fh))

    fit_part, check_part = quotes[:1000], quotes[1000:]

    lookups = {}
    for c in CATS:
        lookups[c] = {}
        for rec in fit_part:
            lookups[c].setdefault(rec[c], len(lookups[c]) + 1)
    centre, spread = {}, {}
    for c in NUMS:
        col = torch.tensor([float(rec[c]) for rec in fit_part])
        centre[c], spread[c] = col.mean().item(), col.std().item()

    fit_loader = DataLoader(QuoteTable(fit_part, lookups, centre, spread), batch_size=50, shuffle=True)
    check_loader = DataLoader(QuoteTable(check_part, lookups, centre, spread), batch_size=100)

    model = ClaimPropensity(lookups)
    bce = nn.BCEWithLogitsLoss()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(5):
        model.train()
        seen, total = 0, 0.0
        for ids, nums, flag in fit_loader:
            loss = bce(model(ids, nums), flag)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(ids)
            seen += len(ids)
        model.eval()
        hits, n_check = 0, 0
        with torch.no_grad():
            for ids, nums, flag in check_loader:
                pred = (model(ids, nums) > 0).float()
                hits += (pred == flag).sum().item()
                n_check += len(flag)
        print(f"epoch {epoch}: train_bce {total / seen:.4f}  check_acc {hits / n_check:.3f}")


if __name__ == "__main__":
    main()
