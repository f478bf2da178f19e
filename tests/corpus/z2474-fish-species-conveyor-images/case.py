"""Species ID from electronic-monitoring camera frames on a trawler sorting belt."""
import csv
import os
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
import lightning as L

HERE = os.path.dirname(os.path.abspath(__file__))
META_CSV = os.path.join(HERE, "em_frames.csv")
IMG_SIZE = 32
MIN_PER_SPECIES = 15
SEED = 3

SPECIES_MIX = {
    "atlantic_cod": 60, "haddock": 55, "whiting": 40, "plaice": 35,
    "saithe": 30, "lemon_sole": 20, "hake": 18, "monkfish": 16,
    "john_dory": 6, "gurnard": 4,
}


def write_metadata(path, rng):
    rows = []
    frame = 0
    for sp, n in SPECIES_MIX.items():
        for _ in range(n):
            rows.append({"frame_id": f"EM{frame:05d}", "species": sp,
                         "haul": int(rng.integers(1, 9)), "length_cm": round(float(rng.normal(40, 8)), 1)})
            frame += 1
    rng.shuffle(rows)
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["frame_id", "species", "haul", "length_cm"])
        w.writeheader()
        w.writerows(rows)


def render_frame(frame_id, species_idx):
    g = torch.Generator().manual_seed(int(frame_id[2:]))
    img = torch.rand(3, IMG_SIZE, IMG_SIZE, generator=g) * 0.3
    hue = torch.tensor([(species_idx * 37 % 255) / 255.0, (species_idx * 91 % 255) / 255.0, 0.5]).view(3, 1, 1)
    y0 = 8 + species_idx % 6
    img[:, y0:y0 + 12, 4:28] += hue
    return img.clamp(0, 1)


class BeltFrames(Dataset):
    def __init__(self, rows, species_to_idx):
        self.rows = rows
        self.species_to_idx = species_to_idx

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        r = self.rows[i]
        label = self.species_to_idx[r["species"]]
        return render_frame(r["frame_id"], label), label


class SpeciesNet(L.LightningModule):
    def __init__(self, num_classes, lr=2e-3):
        super().__init__()
        self.save_hyperparameters()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Linear(64, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))

    def training_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        loss = F.cross_entropy(logits, y, label_smoothing=0.05)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        acc = (self(x).argmax(1) == y).float().mean()
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def main():
    rng = np.random.default_rng(SEED)
    L.seed_everything(SEED, verbose=False)
    write_metadata(META_CSV, rng)

    with open(META_CSV) as fh:
        rows = list(csv.DictReader(fh))

    species_list = sorted({r["species"] for r in rows})
    species_to_idx = {sp: i for i, sp in enumerate(species_list)}

    counts = Counter(r["species"] for r in rows)
    rows = [r for r in rows if counts[r["species"]] >= MIN_PER_SPECIES]
    num_classes = len({r["species"] for r in rows})
    print(f"{len(rows)} frames, {num_classes} species with >= {MIN_PER_SPECIES} frames")

    val_hauls = {"7", "8"}
    train_rows = [r for r in rows if r["haul"] not in val_hauls]
    val_rows = [r for r in rows if r["haul"] in val_hauls]

    train_dl = DataLoader(BeltFrames(train_rows, species_to_idx), batch_size=32, shuffle=True)
    val_dl = DataLoader(BeltFrames(val_rows, species_to_idx), batch_size=64)

    model = SpeciesNet(num_classes)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, num_sanity_val_steps=0)
    trainer.fit(model, train_dl, val_dl)
    print("val_acc", trainer.callback_metrics.get("val_acc"))


if __name__ == "__main__":
    main()
