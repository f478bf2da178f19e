"""DDI severity model: predict whether a drug pair has a clinically major
interaction from the two drugs' substructure fingerprints."""
import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

CFG = {
    "seed": 11,
    "n_drugs": 60,
    "fp_bits": 128,
    "n_pairs": 400,
    "batch_size": 32,
    "epochs": 3,
    "lr": 1e-3,
    "hidden": 64,
}
HERE = os.path.dirname(os.path.abspath(__file__))
DRUG_CSV = os.path.join(HERE, "drug_catalog.csv")
PAIR_CSV = os.path.join(HERE, "ddi_pairs.csv")

rng = np.random.default_rng(CFG["seed"])
torch.manual_seed(CFG["seed"])


def write_synthetic_tables():
    drug_ids = [f"DB{i:05d}" for i in range(1, CFG["n_drugs"] + 1)]
    with open(DRUG_CSV, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["drugbank_id", "drug_type", "fingerprint"])
        for did in drug_ids:
            biologic = rng.random() < 0.12
            bits = "" if biologic else "".join(rng.choice(["0", "1"], size=CFG["fp_bits"], p=[0.85, 0.15]))
            w.writerow([did, "biotech" if biologic else "small molecule", bits])
    with open(PAIR_CSV, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["drug_a", "drug_b", "severity"])
        for _ in range(CFG["n_pairs"]):
            a, b = rng.choice(drug_ids, size=2, replace=False)
            w.writerow([a, b, rng.choice(["minor", "moderate", "major"], p=[0.4, 0.4, 0.2])])


def load_fingerprints(path):
    fps = {}
    with open(path) as fh:
        for row in csv.DictReader(fh):
            if not row["fingerprint"]:
                continue
            fps[row["drugbank_id"]] = np.array([int(c) for c in row["fingerprint"]], dtype=np.float32)
    return fps


def load_pairs(path):
    with open(path) as fh:
        return [(r["drug_a"], r["drug_b"], float(r["severity"] == "major")) for r in csv.DictReader(fh)]


class DDIPairDataset(Dataset):
    def __init__(self, pairs, fingerprints):
        self.pairs = pairs
        self.fps = fingerprints

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        a, b, y = self.pairs[i]
        return {
            "fp_a": torch.from_numpy(self.fps[a]),
            "fp_b": torch.from_numpy(self.fps[b]),
            "major": torch.tensor(y),
        }


class PairEncoder(nn.Module):
    def __init__(self, fp_bits, hidden):
        super().__init__()
        self.drug_mlp = nn.Sequential(nn.Linear(fp_bits, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
        self.out = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, fp_a, fp_b):
        ha, hb = self.drug_mlp(fp_a), self.drug_mlp(fp_b)
        # symmetric combination so (a, b) and (b, a) score the same
        z = torch.cat([ha + hb, ha * hb], dim=-1)
        return self.out(z).squeeze(-1)


def train(model, loader, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    pos_weight = torch.tensor(4.0)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    for ep in range(epochs):
        total, seen = 0.0, 0
        for batch in loader:
            logits = model(batch["fp_a"], batch["fp_b"])
            loss = loss_fn(logits, batch["major"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * logits.size(0)
            seen += logits.size(0)
        print(f"epoch {ep}: loss {total / seen:.4f}")


def main():
    write_synthetic_tables()
    fingerprints = load_fingerprints(DRUG_CSV)
    pairs = [p for p in load_pairs(PAIR_CSV) if p[0] in fingerprints and p[1] in fingerprints]
    print(f"{len(fingerprints)} drugs with fingerprints, {len(pairs)} interaction pairs")

    ds = DDIPairDataset(pairs, fingerprints)
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True)
    model = PairEncoder(CFG["fp_bits"], CFG["hidden"])
    train(model, loader, CFG["epochs"], CFG["lr"])


if __name__ == "__main__":
    main()
