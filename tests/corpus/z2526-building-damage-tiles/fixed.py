import csv
import json
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "xbd_subset")
TILE = 32
DAMAGE_LEVELS = ["no-damage", "minor-damage", "major-damage", "destroyed"]

EVENTS = {
    "hurricane-michael": {"gsd_m": 0.5, "hazard": "wind"},
    "santa-rosa-wildfire": {"gsd_m": 0.3, "hazard": "fire"},
    "midwest-flooding": {"gsd_m": 0.6, "hazard": "flood"},
    "palu-tsunami": {"gsd_m": 0.4, "hazard": "tsunami"},
}


def write_fake_xbd(rng, tiles_per_event=5):
    os.makedirs(DATA_DIR, exist_ok=True)
    with open(os.path.join(DATA_DIR, "event_metadata.json"), "w") as f:
        json.dump(EVENTS, f, indent=2)
    rows = []
    for event in EVENTS:
        for i in range(tiles_per_event):
            tile_id = f"{rng.integers(0, 10**8):08d}"
            for phase in ("pre", "post"):
                fname = f"{event}_{tile_id}_{phase}_disaster.npy"
                img = rng.integers(0, 255, size=(3, TILE, TILE), dtype=np.uint8)
                np.save(os.path.join(DATA_DIR, fname), img)
            rows.append({
                "post_image": f"{event}_{tile_id}_post_disaster.npy",
                "pre_image": f"{event}_{tile_id}_pre_disaster.npy",
                "damage": DAMAGE_LEVELS[rng.integers(0, len(DAMAGE_LEVELS))],
            })
    with open(os.path.join(DATA_DIR, "manifest.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["pre_image", "post_image", "damage"])
        w.writeheader()
        w.writerows(rows)


def load_manifest(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def event_from_filename(fname):
    stem = os.path.splitext(fname)[0]
    return stem.rsplit("_", 3)[0]


class DamagePairDataset(Dataset):
    def __init__(self, root, rows, event_meta):
        self.root = root
        self.rows = rows
        self.event_meta = event_meta
        self.level_to_idx = {name: i for i, name in enumerate(DAMAGE_LEVELS)}

    def __len__(self):
        return len(self.rows)

    def _load(self, fname):
        arr = np.load(os.path.join(self.root, fname)).astype(np.float32) / 255.0
        return torch.from_numpy(arr)

    def __getitem__(self, idx):
        row = self.rows[idx]
        pre = self._load(row["pre_image"])
        post = self._load(row["post_image"])
        meta = self.event_meta[event_from_filename(row["post_image"])]
        return {
            "pair": torch.cat([pre, post], 0),
            "gsd": meta["gsd_m"],
            "label": self.level_to_idx[row["damage"]],
        }


def collate_pairs(samples):
    return {
        "pair": torch.stack([s["pair"] for s in samples]),
        "gsd": torch.tensor([s["gsd"] for s in samples], dtype=torch.float32),
        "label": torch.tensor([s["label"] for s in samples], dtype=torch.long),
    }


class SiameseDamageNet(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(6, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Linear(32 + 1, n_classes)

    def forward(self, pair, gsd):
        f = self.features(pair).flatten(1)
        return self.classifier(torch.cat([f, gsd.unsqueeze(1)], 1))


def main():
    rng = np.random.default_rng(2018)
    torch.manual_seed(2018)
    write_fake_xbd(rng)

    with open(os.path.join(DATA_DIR, "event_metadata.json")) as f:
        event_meta = json.load(f)
    rows = load_manifest(os.path.join(DATA_DIR, "manifest.csv"))
    split = int(0.8 * len(rows))
    train_rows, val_rows = rows[:split], rows[split:]

    train_dl = DataLoader(DamagePairDataset(DATA_DIR, train_rows, event_meta),
                          batch_size=4, shuffle=True, collate_fn=collate_pairs)
    val_dl = DataLoader(DamagePairDataset(DATA_DIR, val_rows, event_meta),
                        batch_size=4, collate_fn=collate_pairs)

    model = SiameseDamageNet(len(DAMAGE_LEVELS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    crit = nn.CrossEntropyLoss()

    for epoch in range(2):
        model.train()
        for batch in train_dl:
            logits = model(batch["pair"], batch["gsd"])
            loss = crit(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["pair"], batch["gsd"]).argmax(1)
                correct += (pred == batch["label"]).sum().item()
                total += len(pred)
        print(f"epoch {epoch} last loss {loss.item():.4f} val acc {correct / total:.2f}")


if __name__ == "__main__":
    main()
