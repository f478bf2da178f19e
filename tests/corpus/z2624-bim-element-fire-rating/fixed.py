import csv
import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT_CSV = os.path.join(HERE, "bim_elements_export.csv")

IFC_CLASSES = ["IfcWall", "IfcSlab", "IfcColumn", "IfcBeam", "IfcDoor", "IfcStair", "IfcRoof"]
MATERIALS = ["concrete", "steel", "timber", "masonry", "gypsum"]
FIRE_RATINGS = ["none", "EI30", "EI60", "EI90", "EI120"]
N_STOREYS = 12

cfg = {
    "embed_dim": 16,
    "hidden": 64,
    "batch_size": 32,
    "epochs": 3,
    "lr": 2e-3,
}


def write_fake_export(path, n_rows=600):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ifc_class", "material", "storey", "length_m", "height_m", "thickness_mm", "fire_rating"])
        for _ in range(n_rows):
            cls = random.randrange(len(IFC_CLASSES))
            mat = random.randrange(len(MATERIALS))
            storey = random.randrange(N_STOREYS)
            length = round(random.uniform(0.3, 12.0), 2)
            height = round(random.uniform(0.2, 4.5), 2)
            thick = round(random.uniform(50, 400), 1)
            rating = min(len(FIRE_RATINGS) - 1, int(thick // 90) + (1 if mat == 0 else 0))
            w.writerow([cls, mat, storey, length, height, thick, rating])


class BimElementTable(Dataset):
    CAT_COLS = [0, 1, 2]
    NUM_COLS = [3, 4, 5]
    TARGET_COL = 6

    def __init__(self, csv_path):
        table = np.genfromtxt(csv_path, delimiter=",", skip_header=1)
        num = table[:, self.NUM_COLS]
        num = (num - num.mean(axis=0)) / num.std(axis=0)
        self.categorical = torch.from_numpy(table[:, self.CAT_COLS]).long()
        self.numeric = torch.from_numpy(num).float()
        self.target = torch.from_numpy(table[:, self.TARGET_COL]).long()

    def __len__(self):
        return self.target.shape[0]

    def __getitem__(self, idx):
        return self.categorical[idx], self.numeric[idx], self.target[idx]


class FireRatingNet(nn.Module):
    def __init__(self, embed_dim, hidden, n_numeric=3):
        super().__init__()
        self.ifc_emb = nn.Embedding(len(IFC_CLASSES), embed_dim)
        self.mat_emb = nn.Embedding(len(MATERIALS), embed_dim)
        self.storey_emb = nn.Embedding(N_STOREYS, embed_dim // 2)
        in_dim = embed_dim * 2 + embed_dim // 2 + n_numeric
        self.mlp = nn.Sequential(
            nn.Linear(in_dim, hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, len(FIRE_RATINGS)),
        )

    def forward(self, cat, num):
        feats = [
            self.ifc_emb(cat[:, 0]),
            self.mat_emb(cat[:, 1]),
            self.storey_emb(cat[:, 2]),
            num,
        ]
        return self.mlp(torch.cat(feats, dim=-1))


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for cat, num, y in loader:
            pred = model(cat, num).argmax(-1)
            correct += (pred == y).sum().item()
            total += y.numel()
    return correct / max(total, 1)


def main():
    write_fake_export(EXPORT_CSV)
    ds = BimElementTable(EXPORT_CSV)
    n_val = len(ds) // 5
    train_ds, val_ds = torch.utils.data.random_split(ds, [len(ds) - n_val, n_val])
    train_dl = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg["batch_size"])

    model = FireRatingNet(cfg["embed_dim"], cfg["hidden"])
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg["epochs"]):
        model.train()
        running = 0.0
        for cat, num, y in train_dl:
            opt.zero_grad()
            logits = model(cat, num)
            loss = loss_fn(logits, y)
            loss.backward()
            opt.step()
            running += loss.item() * y.size(0)
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch}: train loss {running / len(train_ds):.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()
