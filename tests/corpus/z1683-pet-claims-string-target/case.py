"""Pet insurance: will the policy see a vet-fee claim in the first year?

Breed / species / cover level as entity embeddings, numeric rating factors standardised.
"""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(21)
torch.manual_seed(21)

CATS = ["species", "breed", "cover_level", "vet_region", "neutered"]
NUMS = ["pet_age_years", "vet_fee_limit", "excess", "monthly_premium"]
LABEL = "claim_made"

BREEDS = {
    "dog": ["labrador", "cocker_spaniel", "french_bulldog", "pug", "border_collie", "dachshund",
            "cavapoo", "german_shepherd", "staffie", "whippet", "boxer", "shih_tzu"],
    "cat": ["domestic_short", "maine_coon", "ragdoll", "bengal", "siamese", "british_short"],
}


def dump_quotes(path, n=650):
    with open(path, "w", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=CATS + NUMS + [LABEL])
        out.writeheader()
        for _ in range(n):
            species = random.choice(["dog", "dog", "cat"])
            breed = random.choice(BREEDS[species])
            age = round(random.uniform(0.2, 12), 1)
            p = 0.15 + 0.02 * age + (0.15 if breed in ("french_bulldog", "pug") else 0)
            out.writerow({
                "species": species, "breed": breed,
                "cover_level": random.choice(["accident_only", "time_limited", "max_benefit", "lifetime"]),
                "vet_region": random.choice(["london", "south_east", "midlands", "north", "scotland", "wales"]),
                "neutered": random.choice(["yes", "no"]),
                "pet_age_years": age,
                "vet_fee_limit": random.choice([2000, 4000, 7000, 12000]),
                "excess": random.choice([0, 99, 150, 250]),
                "monthly_premium": round(random.uniform(6, 95), 2),
                LABEL: int(random.random() < min(p, 0.9)),
            })


class QuoteRows(Dataset):
    def __init__(self, rows, code_maps, moments):
        self.items = []
        for r in rows:
            codes = [code_maps[c].get(r[c], 0) for c in CATS]
            feats = [(float(r[c]) - moments[c][0]) / moments[c][1] for c in NUMS]
            self.items.append((codes, feats, r[LABEL]))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate(batch):
    codes = torch.tensor([b[0] for b in batch], dtype=torch.long)
    feats = torch.tensor([b[1] for b in batch], dtype=torch.float32)
    claimed = torch.tensor([b[2] for b in batch], dtype=torch.float32)
    return codes, feats, claimed


class ClaimPropensity(nn.Module):
    def __init__(self, sizes, n_num, dim=5):
        super().__init__()
        self.embs = nn.ModuleList(nn.Embedding(s, dim) for s in sizes)
        self.net = nn.Sequential(nn.Linear(dim * len(sizes) + n_num, 40), nn.ReLU(), nn.Linear(40, 1))

    def forward(self, codes, feats):
        z = torch.cat([e(codes[:, k]) for k, e in enumerate(self.embs)] + [feats], dim=1)
        return self.net(z).squeeze(-1)


def main():
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "pet_quotes.csv")
    dump_quotes(path)
    with open(path, newline="") as fh:
        quotes = list(csv.DictReader(fh))
    random.shuffle(quotes)
    split = int(0.8 * len(quotes))
    train_q, valid_q = quotes[:split], quotes[split:]

    code_maps = {c: {} for c in CATS}
    for q in train_q:
        for c in CATS:
            code_maps[c].setdefault(q[c], len(code_maps[c]) + 1)   # 0 = not seen in training
    moments = {}
    for c in NUMS:
        xs = [float(q[c]) for q in train_q]
        m = sum(xs) / len(xs)
        moments[c] = (m, (sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) ** 0.5)

    train_dl = DataLoader(QuoteRows(train_q, code_maps, moments), batch_size=32, shuffle=True, collate_fn=collate)
    valid_dl = DataLoader(QuoteRows(valid_q, code_maps, moments), batch_size=128, collate_fn=collate)

    model = ClaimPropensity([len(code_maps[c]) + 1 for c in CATS], len(NUMS))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    bce = nn.BCEWithLogitsLoss()

    for epoch in range(6):
        model.train()
        for codes, feats, claimed in train_dl:
            loss = bce(model(codes, feats), claimed)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        hits, n, vloss = 0, 0, 0.0
        with torch.no_grad():
            for codes, feats, claimed in valid_dl:
                logit = model(codes, feats)
                vloss += bce(logit, claimed).item() * len(claimed)
                hits += ((logit > 0).float() == claimed).sum().item()
                n += len(claimed)
        print(f"epoch {epoch}: valid loss {vloss / n:.4f}  valid acc {hits / n:.3f}")


if __name__ == "__main__":
    main()
