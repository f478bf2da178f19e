"""Fine-tune a sherd-photo backbone on a new set of ceramic fabric classes.

The backbone was pretrained on last season's 6 ware groups; this season the
finds team recorded 9 fabric classes, so the classification head is new.
"""
import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader


@dataclass
class FinetuneConfig:
    image_size: int = 32
    channels: tuple = (16, 32, 64)
    old_ware_groups: int = 6
    fabric_classes: list = field(default_factory=lambda: [
        "black_gloss", "terra_sigillata", "coarse_grey", "amphora_campanian",
        "amphora_baetican", "thin_walled", "lamp", "cooking_african", "mortarium",
    ])
    n_photos: int = 72
    batch_size: int = 12
    lr: float = 1e-3
    epochs: int = 1
    device: str = "cpu"
    init_device: str = "meta"
    pretrained_path: str = "sherd_backbone_season1.pt"


class SherdNet(nn.Module):
    def __init__(self, channels, n_classes):
        super().__init__()
        layers, in_ch = [], 3
        for out_ch in channels:
            layers += [nn.Conv2d(in_ch, out_ch, 3, padding=1), nn.BatchNorm2d(out_ch),
                       nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            in_ch = out_ch
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(in_ch, n_classes)

    def forward(self, x):
        x = self.pool(self.features(x)).flatten(1)
        return self.head(x)


def make_season1_checkpoint(cfg):
    """Stand-in for the checkpoint the previous season's run left behind."""
    if os.path.exists(cfg.pretrained_path):
        return
    torch.manual_seed(0)
    old = SherdNet(cfg.channels, cfg.old_ware_groups)
    torch.save(old.state_dict(), cfg.pretrained_path)


def synthetic_sherd_photos(cfg):
    rng = np.random.default_rng(42)
    n, s = cfg.n_photos, cfg.image_size
    labels = rng.integers(0, len(cfg.fabric_classes), size=n)
    yy, xx = np.mgrid[0:s, 0:s] / s
    photos = np.empty((n, 3, s, s), dtype=np.float32)
    for i, lab in enumerate(labels):
        hue = np.array([0.55 + 0.04 * lab, 0.35 + 0.02 * lab, 0.25], dtype=np.float32)
        grain = rng.normal(0, 0.05 + 0.01 * lab, size=(s, s))
        slip = 0.1 * np.sin(2 * np.pi * (lab + 1) * xx) * np.cos(2 * np.pi * yy)
        photos[i] = hue[:, None, None] + (grain + slip)[None]
    photos = (photos - photos.mean(axis=(0, 2, 3), keepdims=True)) / photos.std(axis=(0, 2, 3), keepdims=True)
    return torch.from_numpy(photos), torch.from_numpy(labels).long()


def build_model(cfg):
    with torch.device(cfg.init_device):
        model = SherdNet(cfg.channels, len(cfg.fabric_classes))
    season1 = torch.load(cfg.pretrained_path, map_location=cfg.device)
    backbone_state = {k: v for k, v in season1.items() if not k.startswith("head.")}
    result = model.load_state_dict(backbone_state, strict=False, assign=True)
    print("new head params:", result.missing_keys)
    model.head.to_empty(device=cfg.device)
    model.head.reset_parameters()
    return model


def evaluate(model, loader, device):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for photos, labels in loader:
            preds = model(photos.to(device)).argmax(dim=1)
            correct += (preds == labels.to(device)).sum().item()
            total += labels.numel()
    return correct / total


def main():
    cfg = FinetuneConfig()
    torch.manual_seed(1)
    make_season1_checkpoint(cfg)

    photos, labels = synthetic_sherd_photos(cfg)
    split = int(0.75 * len(labels))
    train_dl = DataLoader(TensorDataset(photos[:split], labels[:split]),
                          batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(TensorDataset(photos[split:], labels[split:]), batch_size=cfg.batch_size)

    model = build_model(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        for step, (x, y) in enumerate(train_dl):
            x, y = x.to(cfg.device), y.to(cfg.device)
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if step % 2 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.3f}")
        print(f"val acc: {evaluate(model, val_dl, cfg.device):.3f}")


if __name__ == "__main__":
    main()
