"""Multi-label species presence for a salmon sea-pen underwater camera.

Each frame can show several species at once (farmed salmon plus cleaner fish
and wild visitors), so the head predicts one independent yes/no per species,
and a second head regresses log(1 + fish count) for the biomass dashboard.
"""
import os
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader, Dataset, random_split

warnings.filterwarnings("ignore")

SPECIES = ("atlantic_salmon", "ballan_wrasse", "lumpfish", "saithe", "mackerel")
IMG = 48

HPARAMS = dict(lr=1e-3, weight_decay=1e-4, batch_size=16, n_frames=160,
               count_weight=0.5, max_epochs=1)


def render_frame(rng, present):
    """Murky green background with elliptical blobs for each fish."""
    img = np.zeros((3, IMG, IMG), dtype=np.float32)
    img[1] += 0.35 + 0.05 * rng.standard_normal((IMG, IMG))
    img[2] += 0.25 + 0.05 * rng.standard_normal((IMG, IMG))
    yy, xx = np.mgrid[0:IMG, 0:IMG]
    n_fish = 0
    for k, flag in enumerate(present):
        if not flag:
            continue
        for _ in range(rng.integers(1, 4)):
            cy, cx = rng.uniform(6, IMG - 6, size=2)
            a, b = 3 + k, 2 + (k % 2)
            blob = ((yy - cy) / a) ** 2 + ((xx - cx) / b) ** 2 < 1
            img[:, blob] = np.array([0.2 + 0.15 * k, 0.6 - 0.1 * k, 0.5], dtype=np.float32)[:, None]
            n_fish += 1
    return np.clip(img, 0, 1), n_fish


class PenCameraFrames(Dataset):
    def __init__(self, n, seed=0):
        rng = np.random.default_rng(seed)
        prior = np.array([0.9, 0.4, 0.35, 0.15, 0.1])
        self.labels = (rng.random((n, len(SPECIES))) < prior).astype(np.float32)
        self.frames, self.counts = [], []
        for row in self.labels:
            img, c = render_frame(rng, row)
            self.frames.append(img)
            self.counts.append(c)

    def __len__(self):
        return len(self.frames)

    def __getitem__(self, i):
        return (torch.from_numpy(self.frames[i]),
                torch.from_numpy(self.labels[i]),
                torch.tensor(np.log1p(self.counts[i]), dtype=torch.float32))


class SpeciesPresenceNet(L.LightningModule):
    def __init__(self, n_species=len(SPECIES), **hp):
        super().__init__()
        self.save_hyperparameters()
        self.backbone = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.presence_head = nn.Linear(64, n_species)
        self.count_head = nn.Linear(64, 1)
        self.presence_loss = nn.BCELoss()

    def forward(self, x):
        z = self.backbone(x)
        return self.presence_head(z), self.count_head(z).squeeze(-1)

    def _shared_step(self, batch, stage):
        frames, present, log_count = batch
        presence_logits, count_pred = self(frames)
        loss_p = self.presence_loss(presence_logits, present)
        loss_c = F.mse_loss(count_pred, log_count)
        loss = loss_p + self.hparams.count_weight * loss_c
        with torch.no_grad():
            hits = ((torch.sigmoid(presence_logits) > 0.5) == present.bool()).float().mean()
        self.log(f"{stage}_loss", loss, prog_bar=True)
        self.log(f"{stage}_label_acc", hits)
        return loss

    def training_step(self, batch, batch_idx):
        return self._shared_step(batch, "train")

    def validation_step(self, batch, batch_idx):
        self._shared_step(batch, "val")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr,
                                 weight_decay=self.hparams.weight_decay)


def main():
    L.seed_everything(42, verbose=False)
    here = os.path.dirname(os.path.abspath(__file__))
    full = PenCameraFrames(HPARAMS["n_frames"], seed=5)
    n_val = len(full) // 5
    train_ds, val_ds = random_split(full, [len(full) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(0))
    train_dl = DataLoader(train_ds, batch_size=HPARAMS["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=HPARAMS["batch_size"])

    model = SpeciesPresenceNet(**HPARAMS)
    trainer = L.Trainer(max_epochs=HPARAMS["max_epochs"], accelerator="cpu", devices=1,
                        logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, num_sanity_val_steps=0,
                        default_root_dir=here)
    trainer.fit(model, train_dl, val_dl)
    print({k: round(float(v), 4) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
