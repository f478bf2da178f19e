"""Probability-of-default scorecard with categorical embeddings.

Applications are exported from the loan-origination system as CSV.  Numeric
fields are standardised, categorical fields (employment type, home ownership,
region) get learned embeddings, and the model predicts 90-day default.
"""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

EMPLOYMENT = ["salaried", "self_employed", "contractor", "retired", "unemployed"]
HOME = ["own", "mortgage", "rent", "other"]
REGIONS = ["north", "south", "east", "west", "central", "islands"]
NUMERIC_COLS = ["annual_income", "loan_amount", "dti", "months_on_book", "prior_delinquencies"]


def export_applications(path, n=240, seed=3):
    rng = random.Random(seed)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["app_id", "employment", "home", "region"] + NUMERIC_COLS + ["default_90d"])
        for i in range(n):
            emp = rng.choice(EMPLOYMENT)
            income = rng.lognormvariate(10.8, 0.5)
            loan = rng.uniform(2_000, 40_000)
            dti = rng.uniform(0.05, 0.65)
            mob = rng.randint(0, 120)
            delinq = rng.choice([0, 0, 0, 1, 2, 4])
            risk = 2.5 * dti + 0.4 * delinq + (0.8 if emp == "unemployed" else 0.0) - mob / 100
            default = int(rng.random() < 1 / (1 + pow(2.718, -(risk - 1.5))))
            w.writerow([f"A{i:05d}", emp, rng.choice(HOME), rng.choice(REGIONS),
                        f"{income:.2f}", f"{loan:.2f}", f"{dti:.4f}", mob, delinq, default])


class ApplicationSet(Dataset):
    def __init__(self, path):
        with open(path) as fh:
            rows = list(csv.DictReader(fh))
        self.cats = torch.tensor([[EMPLOYMENT.index(r["employment"]), HOME.index(r["home"]),
                                   REGIONS.index(r["region"])] for r in rows])
        nums = torch.tensor([[float(r[c]) for c in NUMERIC_COLS] for r in rows])
        nums[:, 0] = torch.log(nums[:, 0])
        self.nums = (nums - nums.mean(0)) / nums.std(0)
        self.defaulted = torch.tensor([int(r["default_90d"]) for r in rows])

    def __len__(self):
        return len(self.defaulted)

    def __getitem__(self, i):
        return self.cats[i], self.nums[i], self.defaulted[i]


class Scorecard(nn.Module):
    def __init__(self, emb_dim=4):
        super().__init__()
        self.emp_emb = nn.Embedding(len(EMPLOYMENT), emb_dim)
        self.home_emb = nn.Embedding(len(HOME), emb_dim)
        self.region_emb = nn.Embedding(len(REGIONS), emb_dim)
        self.mlp = nn.Sequential(
            nn.Linear(3 * emb_dim + len(NUMERIC_COLS), 32),
            nn.ReLU(),
            nn.Linear(32, 1),
        )

    def forward(self, cats, nums):
        e = torch.cat([self.emp_emb(cats[:, 0]), self.home_emb(cats[:, 1]),
                       self.region_emb(cats[:, 2]), nums], dim=1)
        return self.mlp(e).squeeze(1)


def main():
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "applications.csv")
        export_applications(path)
        data = ApplicationSet(path)

    n_train = int(0.8 * len(data))
    train_set, val_set = torch.utils.data.random_split(data, [n_train, len(data) - n_train])
    train_dl = DataLoader(train_set, batch_size=32, shuffle=True)
    val_dl = DataLoader(val_set, batch_size=64)

    model = Scorecard()
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    bad_rate = data.defaulted.float().mean()
    criterion = nn.BCEWithLogitsLoss(pos_weight=(1 - bad_rate) / bad_rate)
    print(f"{len(data)} applications, bad rate {bad_rate:.3f}")

    for epoch in range(6):
        model.train()
        total = 0.0
        for cats, nums, defaulted in train_dl:
            opt.zero_grad()
            logit = model(cats, nums)
            loss = criterion(logit, defaulted)
            loss.backward()
            opt.step()
            total += loss.item() * len(defaulted)
        model.eval()
        hits = 0
        with torch.no_grad():
            for cats, nums, defaulted in val_dl:
                pd_hat = torch.sigmoid(model(cats, nums))
                hits += ((pd_hat > 0.5).long() == defaulted.long()).sum().item()
        print(f"epoch {epoch} train loss {total / n_train:.4f} val acc {hits / len(val_set):.3f}")


if __name__ == "__main__":
    main()
