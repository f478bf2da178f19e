"""Ware-type classifier for photographed pottery sherds (excavation finds photography).

Sherd photos are cropped to a square around the fragment and normalised; the
model is a small stack of conv blocks followed by an MLP head.  Synthetic
images stand in for the photo archive here.
"""
import math
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


WARE_TYPES = ["terra_sigillata", "coarse_grey", "amphora", "black_burnished", "colour_coated"]


@dataclass
class SherdConfig:
    img_size: int = 64
    in_channels: int = 3
    channels: tuple = (16, 32, 64, 128)
    head_hidden: int = 256
    dropout: float = 0.3
    num_classes: int = len(WARE_TYPES)
    batch_size: int = 8
    lr: float = 3e-4
    epochs: int = 2
    seed: int = 7
    photo_mean: tuple = (0.52, 0.44, 0.37)
    photo_std: tuple = (0.21, 0.19, 0.18)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def synth_sherd_photo(rng, ware_idx, size):
    """Fake a sherd photo: a tinted irregular blob on a grey background."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    cx, cy = rng.uniform(0.35, 0.65, size=2)
    radius = rng.uniform(0.2, 0.35)
    wobble = 0.05 * np.sin(8 * np.arctan2(yy - cy, xx - cx) + rng.uniform(0, math.pi))
    mask = ((xx - cx) ** 2 + (yy - cy) ** 2) < (radius + wobble) ** 2
    img = np.full((3, size, size), 0.5, dtype=np.float32)
    tint = np.array([0.75, 0.35, 0.2]) if ware_idx == 0 else rng.uniform(0.2, 0.7, size=3)
    for c in range(3):
        img[c][mask] = tint[c] + 0.05 * rng.standard_normal(mask.sum())
    return np.clip(img, 0, 1)


class SherdPhotoDataset(Dataset):
    def __init__(self, n_items, cfg, seed=0):
        rng = np.random.default_rng(seed)
        self.cfg = cfg
        self.labels = rng.integers(0, len(WARE_TYPES), size=n_items)
        self.images = [synth_sherd_photo(rng, int(w), cfg.img_size) for w in self.labels]
        self.mean = torch.tensor(cfg.photo_mean).view(3, 1, 1)
        self.std = torch.tensor(cfg.photo_std).view(3, 1, 1)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        img = torch.from_numpy(self.images[idx])
        if random.random() < 0.5:
            img = torch.flip(img, dims=[2])
        img = (img - self.mean) / self.std
        return img, int(self.labels[idx])


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        return self.pool(x)


class SherdNet(nn.Module):
    def __init__(self, cfg: SherdConfig):
        super().__init__()
        blocks = []
        c_prev = cfg.in_channels
        for c in cfg.channels:
            blocks.append(ConvBlock(c_prev, c))
            c_prev = c
        self.features = nn.Sequential(*blocks)
        final_side = cfg.img_size // 8
        flat_dim = cfg.channels[-1] * final_side * final_side
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(flat_dim, cfg.head_hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.head_hidden, cfg.num_classes),
        )

    def forward(self, x):
        return self.head(self.features(x))


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loader:
        with torch.set_grad_enabled(training):
            logits = model(images)
            loss = F.cross_entropy(logits, labels)
        if training:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        total_loss += loss.item() * labels.size(0)
        correct += (logits.argmax(1) == labels).sum().item()
        seen += labels.size(0)
    return total_loss / seen, correct / seen


def main():
    cfg = SherdConfig()
    seed_everything(cfg.seed)
    train_ds = SherdPhotoDataset(48, cfg, seed=1)
    val_ds = SherdPhotoDataset(16, cfg, seed=2)
    train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = SherdNet(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"SherdNet: {n_params/1e6:.2f}M params, {len(train_ds)} train / {len(val_ds)} val sherds")

    for epoch in range(cfg.epochs):
        tr_loss, tr_acc = run_epoch(model, train_loader, optimizer)
        va_loss, va_acc = run_epoch(model, val_loader)
        print(f"epoch {epoch+1}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
