"""Predict a high somatic cell count (subclinical mastitis) at the next milk recording
from the current test-day record plus cow info from the herd registry.

Inputs are the two exports we get every month:
  registry.csv  - from the herd management software (ear tag, birth date, parity, breed)
  testday.csv   - from the milk recording organisation (ear tag, test no, milk, fat, protein, scc)
"""
import argparse
import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

BREEDS = ["HO", "JE", "MRY", "XB"]


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", default=os.path.dirname(os.path.abspath(__file__)))
    p.add_argument("--n-cows", type=int, default=140)
    p.add_argument("--n-tests", type=int, default=8)
    p.add_argument("--scc-threshold", type=float, default=200.0)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-2)
    p.add_argument("--seed", type=int, default=5)
    return p.parse_args()


def write_exports(args):
    rng = np.random.default_rng(args.seed)
    tags = rng.choice(np.arange(60, 1400), size=args.n_cows, replace=False)
    reg_path = os.path.join(args.data_dir, "registry.csv")
    td_path = os.path.join(args.data_dir, "testday.csv")
    with open(reg_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ear_tag", "birth_year", "parity", "breed"])
        for t in tags:
            w.writerow([f"{t:04d}", int(rng.integers(2015, 2022)), int(rng.integers(1, 7)), rng.choice(BREEDS)])
    with open(td_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ear_tag", "test_no", "milk_kg", "fat_pct", "protein_pct", "scc_k"])
        for t in tags:
            base_scc = rng.lognormal(4.3, 0.9)
            for k in range(1, args.n_tests + 1):
                scc = base_scc * rng.lognormal(0, 0.5)
                milk = max(8.0, 34 - 1.5 * k + rng.normal(0, 3) - 0.01 * scc)
                w.writerow([f"{t:04d}", k, round(milk, 1), round(rng.normal(4.1, 0.3), 2),
                            round(rng.normal(3.4, 0.2), 2), int(scc)])
    return reg_path, td_path


def load_registry(path):
    registry = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            registry[str(int(row["ear_tag"]))] = {
                "birth_year": int(row["birth_year"]),
                "parity": int(row["parity"]),
                "breed": row["breed"],
            }
    return registry


def load_testdays(path):
    arr = np.loadtxt(path, delimiter=",", skiprows=1)
    by_cow = {}
    for tag, test_no, milk, fat, prot, scc in arr:
        by_cow.setdefault(str(int(tag)), []).append((int(test_no), milk, fat, prot, scc))
    for recs in by_cow.values():
        recs.sort()
    return by_cow


class NextTestSCCDataset(Dataset):
    def __init__(self, testdays, registry, scc_threshold):
        self.registry = registry
        self.pairs = []
        for tag, recs in testdays.items():
            for cur, nxt in zip(recs[:-1], recs[1:]):
                self.pairs.append((tag, cur, float(nxt[4] > scc_threshold)))

    def __len__(self):
        return len(self.pairs)

    def cow_features(self, tag):
        info = self.registry[tag]
        breed = [1.0 if info["breed"] == b else 0.0 for b in BREEDS]
        return [info["parity"] / 6.0, (2024 - info["birth_year"]) / 10.0] + breed

    def __getitem__(self, i):
        tag, (test_no, milk, fat, prot, scc), y = self.pairs[i]
        x = [test_no / 10.0, milk / 40.0, fat / 5.0, prot / 4.0, np.log1p(scc) / 8.0]
        x += self.cow_features(tag)
        return torch.tensor(x, dtype=torch.float32), torch.tensor(y)


class SCCRiskNet(nn.Module):
    def __init__(self, n_in, hidden=32):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.out(self.body(x)).squeeze(-1)


def main():
    args = get_args()
    torch.manual_seed(args.seed)
    reg_path, td_path = write_exports(args)
    registry = load_registry(reg_path)
    testdays = load_testdays(td_path)
    print(f"{len(registry)} cows in registry, {len(testdays)} cows with test-day records")

    ds = NextTestSCCDataset(testdays, registry, args.scc_threshold)
    n_val = len(ds) // 5
    train_ds, val_ds = torch.utils.data.random_split(ds, [len(ds) - n_val, n_val],
                                                     generator=torch.Generator().manual_seed(args.seed))
    train_dl = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=256)

    model = SCCRiskNet(n_in=5 + 2 + len(BREEDS))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(args.epochs):
        model.train()
        for xb, yb in train_dl:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            xs, ys = next(iter(val_dl))
            acc = ((model(xs) > 0).float() == ys).float().mean().item()
        print(f"epoch {epoch}: last train loss {loss.item():.3f}, val acc {acc:.3f}")


if __name__ == "__main__":
    main()
