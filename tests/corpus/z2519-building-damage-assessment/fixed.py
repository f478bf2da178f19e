"""Building damage classification from pre/post-event image chips (xBD-style).

Step 1 writes a building inventory (from the pre-event footprint layer) and
image chips to ./chips, step 2 trains a small siamese CNN on the
pre/post pairs with the four xBD damage levels.
"""
import csv
import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

ROOT = os.path.dirname(os.path.abspath(__file__))
CHIP_DIR = os.path.join(ROOT, "chips")
MANIFEST = os.path.join(ROOT, "inventory.csv")
DAMAGE_LEVELS = ["no-damage", "minor-damage", "major-damage", "destroyed"]
CHIP = 32
N_BUILDINGS = 96
CLOUD_COVER = 0.15


def write_synthetic_aoi(seed=3):
    """Pre-event chips exist for every footprint; post-event chips only
    where the post-event acquisition was cloud free."""
    rng = np.random.default_rng(seed)
    os.makedirs(CHIP_DIR, exist_ok=True)
    for f in os.listdir(CHIP_DIR):
        os.remove(os.path.join(CHIP_DIR, f))
    rows = []
    for b in range(N_BUILDINGS):
        bid = f"hurricane-michael_{b:05d}"
        level = int(rng.choice(4, p=[0.5, 0.2, 0.18, 0.12]))
        pre = rng.uniform(0.3, 0.7, (3, CHIP, CHIP)).astype(np.float32)
        pre[:, 8:24, 8:24] += 0.2
        post = pre.copy()
        rubble = rng.uniform(0, 1, (CHIP, CHIP)) < 0.2 * level
        post[:, rubble] = rng.uniform(0.0, 1.0, (3, rubble.sum()))
        pre_path = os.path.join(CHIP_DIR, f"{bid}_pre.npy")
        post_path = os.path.join(CHIP_DIR, f"{bid}_post.npy")
        np.save(pre_path, pre)
        if rng.uniform() > CLOUD_COVER:
            np.save(post_path, post.astype(np.float32))
        rows.append({"building_id": bid, "pre_path": pre_path,
                     "post_path": post_path, "damage": DAMAGE_LEVELS[level]})
    with open(MANIFEST, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return MANIFEST


def read_manifest(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def load_chip(path):
    if not os.path.exists(path):
        return None
    return torch.from_numpy(np.load(path))


class DamagePairs(Dataset):
    def __init__(self, rows, augment=False):
        self.rows = rows
        self.augment = augment
        self.label_of = {name: i for i, name in enumerate(DAMAGE_LEVELS)}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        r = self.rows[i]
        pre, post = load_chip(r["pre_path"]), load_chip(r["post_path"])
        if pre is None or post is None:
            return None
        if self.augment and random.random() < 0.5:
            pre, post = pre.flip(-1), post.flip(-1)
        return {"pair": torch.cat([pre, post], 0),
                "label": self.label_of[r["damage"]],
                "building_id": r["building_id"]}


def collate_buildings(batch):
    return {
        "pair": torch.stack([b["pair"] for b in batch]),
        "label": torch.tensor([b["label"] for b in batch]),
        "building_id": [b["building_id"] for b in batch],
    }


class SiameseDamageNet(nn.Module):
    def __init__(self, width=16, n_classes=4):
        super().__init__()
        self.branch = nn.Sequential(
            nn.Conv2d(3, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(4),
        )
        self.fuse = nn.Sequential(nn.Flatten(), nn.Linear(4 * width * 16, 64), nn.ReLU(),
                                  nn.Linear(64, n_classes))

    def forward(self, pair):
        pre, post = pair[:, :3], pair[:, 3:]
        f_pre, f_post = self.branch(pre), self.branch(post)
        return self.fuse(torch.cat([f_post, f_post - f_pre], 1))


def macro_f1(pred, target, n):
    f1s = []
    for c in range(n):
        tp = ((pred == c) & (target == c)).sum().item()
        fp = ((pred == c) & (target != c)).sum().item()
        fn = ((pred != c) & (target == c)).sum().item()
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return sum(f1s) / n


def main():
    random.seed(0)
    torch.manual_seed(0)
    rows = read_manifest(write_synthetic_aoi())
    rows = [r for r in rows if os.path.exists(r["post_path"])]
    random.shuffle(rows)
    split = int(0.8 * len(rows))
    train_dl = DataLoader(DamagePairs(rows[:split], augment=True), batch_size=16,
                          shuffle=True, collate_fn=collate_buildings)
    val_dl = DataLoader(DamagePairs(rows[split:]), batch_size=32, collate_fn=collate_buildings)

    model = SiameseDamageNet()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(3):
        model.train()
        for batch in train_dl:
            loss = F.cross_entropy(model(batch["pair"]), batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        preds, gold = [], []
        with torch.no_grad():
            for batch in val_dl:
                preds.append(model(batch["pair"]).argmax(1))
                gold.append(batch["label"])
        f1 = macro_f1(torch.cat(preds), torch.cat(gold), len(DAMAGE_LEVELS))
        print(f"epoch {epoch}: last loss {loss.item():.4f}  val macro-F1 {f1:.3f}")


if __name__ == "__main__":
    main()
