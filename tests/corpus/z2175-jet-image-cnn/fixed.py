"""Boosted top vs QCD jet-image classifier (Lightning).

Jet constituents are pixelated onto a calorimeter-granularity eta-phi grid around the jet
axis (0.1 x 0.1 cells, R=1.2 -> 25 x 25), with three channels:
ECAL energy, HCAL energy and charged-track pT.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class JetImageConfig:
    n_eta: int = 25
    n_phi: int = 25
    channels: tuple = ("ecal", "hcal", "trk_pt")
    conv_filters: tuple = (16, 32, 64)
    kernel_size: int = 5
    dense: int = 64
    lr: float = 1e-3
    batch_size: int = 64
    n_jets: int = 512
    seed: int = 3


def pixelate(rng, n_prongs, cfg):
    """Toy jet image: n_prongs Gaussian energy blobs plus soft UE noise."""
    img = rng.exponential(0.02, size=(len(cfg.channels), cfg.n_eta, cfg.n_phi)).astype(np.float32)
    eta_grid, phi_grid = np.meshgrid(np.arange(cfg.n_eta), np.arange(cfg.n_phi), indexing="ij")
    centre = np.array([cfg.n_eta // 2, cfg.n_phi // 2])
    for k in range(n_prongs):
        offset = centre + (rng.normal(0, 3.0, 2) if k > 0 else 0)
        width = rng.uniform(0.8, 1.6)
        blob = np.exp(-((eta_grid - offset[0]) ** 2 + (phi_grid - offset[1]) ** 2) / (2 * width ** 2))
        frac = rng.dirichlet([2.0, 1.0, 3.0])
        img += (rng.uniform(0.5, 1.0) * frac[:, None, None] * blob).astype(np.float32)
    return img


def make_dataset(cfg):
    rng = np.random.default_rng(cfg.seed)
    labels = rng.integers(0, 2, cfg.n_jets)  # 1 = hadronic top (3-prong), 0 = QCD (1-2 prong)
    images = np.stack([
        pixelate(rng, 3 if y == 1 else rng.integers(1, 3), cfg) for y in labels
    ])
    images /= images.sum(axis=(1, 2, 3), keepdims=True)
    return TensorDataset(torch.from_numpy(images), torch.from_numpy(labels).float())


def conv_block(c_in, c_out, k):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size=k, padding=k // 2),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class TopTaggerCNN(L.LightningModule):
    def __init__(self, cfg: JetImageConfig):
        super().__init__()
        self.cfg = cfg
        blocks, c_in = [], len(cfg.channels)
        for c_out in cfg.conv_filters:
            blocks.append(conv_block(c_in, c_out, cfg.kernel_size))
            c_in = c_out
        self.features = nn.Sequential(*blocks)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(c_in, cfg.dense), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(cfg.dense, 1),
        )

    def forward(self, x):
        return self.head(self.features(x)).squeeze(-1)

    def _step(self, batch, stage):
        x, y = batch
        logits = self(x)
        loss = F.binary_cross_entropy_with_logits(logits, y)
        acc = ((logits > 0).float() == y).float().mean()
        self.log(f"{stage}_loss", loss, prog_bar=False)
        self.log(f"{stage}_acc", acc, prog_bar=False)
        return loss

    def training_step(self, batch, batch_idx):
        return self._step(batch, "train")

    def validation_step(self, batch, batch_idx):
        self._step(batch, "val")

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.cfg.lr)


def main():
    cfg = JetImageConfig()
    L.seed_everything(cfg.seed, verbose=False)
    ds = make_dataset(cfg)
    n_val = len(ds) // 4
    train_ds, val_ds = torch.utils.data.random_split(ds, [len(ds) - n_val, n_val])
    train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = TopTaggerCNN(cfg)
    trainer = L.Trainer(
        max_epochs=2,
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(model, train_loader, val_loader)
    print(trainer.callback_metrics)


if __name__ == "__main__":
    main()
