import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

RNG = np.random.default_rng(2024)
torch.manual_seed(2024)

HERE = os.path.dirname(os.path.abspath(__file__))
PANEL_CSV = os.path.join(HERE, "chem_panels.csv")

SPECIES_CODES = {"dog": 0, "cat": 1, "rabbit": 2, "ferret": 3}
ANALYTES = ["bun", "creat", "sdma", "phos", "alb", "alt", "alp", "glucose", "k", "usg"]
CKD_STAGES = 4  # IRIS stage 1-4 -> 0-3


def write_fake_panels(path, n=400):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["species_code", "age_years"] + ANALYTES + ["iris_stage"])
        for _ in range(n):
            sp = RNG.integers(0, len(SPECIES_CODES))
            stage = RNG.integers(0, CKD_STAGES)
            age = RNG.uniform(1, 18)
            bun = 20 + 15 * stage + RNG.normal(0, 5)
            creat = 1.2 + 1.1 * stage + RNG.normal(0, 0.3)
            sdma = 10 + 8 * stage + RNG.normal(0, 2)
            phos = 4 + 0.8 * stage + RNG.normal(0, 0.5)
            alb = 3.2 - 0.1 * stage + RNG.normal(0, 0.2)
            alt = RNG.normal(60, 20)
            alp = RNG.normal(90, 30)
            glu = RNG.normal(100, 15) + (40 if sp == 1 else 0)
            k = RNG.normal(4.5, 0.4)
            usg = 1.040 - 0.008 * stage + RNG.normal(0, 0.003)
            w.writerow([sp, round(age, 1), *(round(v, 3) for v in
                        (bun, creat, sdma, phos, alb, alt, alp, glu, k, usg)), stage])


def load_panels(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    species = table[:, 0]
    numeric = table[:, 1:-1]
    stage = table[:, -1].astype(np.int64)
    return species, numeric, stage


class LabPanelDataset(Dataset):
    def __init__(self, species, numeric, stage, mean=None, std=None):
        self.species = species
        self.mean = numeric.mean(0) if mean is None else mean
        self.std = numeric.std(0) + 1e-6 if std is None else std
        self.numeric = (numeric - self.mean) / self.std
        self.stage = stage

    def __len__(self):
        return len(self.stage)

    def __getitem__(self, idx):
        return {
            "species": self.species[idx],
            "labs": self.numeric[idx],
            "stage": self.stage[idx],
        }


def collate_panels(batch):
    return {
        "species": torch.as_tensor(np.array([b["species"] for b in batch])),
        "labs": torch.as_tensor(np.stack([b["labs"] for b in batch])),
        "stage": torch.as_tensor(np.array([b["stage"] for b in batch])),
    }


class CKDStager(nn.Module):
    def __init__(self, n_species, n_labs, n_stages, species_dim=4, hidden=64):
        super().__init__()
        self.species_emb = nn.Embedding(n_species, species_dim)
        self.mlp = nn.Sequential(
            nn.Linear(n_labs + species_dim, hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, n_stages),
        )

    def forward(self, species, labs):
        s = self.species_emb(species)
        return self.mlp(torch.cat([labs, s], dim=-1))


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for batch in loader:
            pred = model(batch["species"], batch["labs"]).argmax(-1)
            correct += (pred == batch["stage"]).sum().item()
            total += len(pred)
    return correct / total


def main():
    write_fake_panels(PANEL_CSV)
    species, numeric, stage = load_panels(PANEL_CSV)
    n_train = int(0.8 * len(stage))
    train_ds = LabPanelDataset(species[:n_train], numeric[:n_train], stage[:n_train])
    val_ds = LabPanelDataset(species[n_train:], numeric[n_train:], stage[n_train:],
                             mean=train_ds.mean, std=train_ds.std)
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=collate_panels)
    val_dl = DataLoader(val_ds, batch_size=64, collate_fn=collate_panels)

    model = CKDStager(len(SPECIES_CODES), numeric.shape[1], CKD_STAGES)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(5):
        model.train()
        for batch in train_dl:
            logits = model(batch["species"], batch["labs"])
            loss = loss_fn(logits, batch["stage"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.3f} val_acc {evaluate(model, val_dl):.3f}")


if __name__ == "__main__":
    main()
