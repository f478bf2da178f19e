"""Breed classification from lateral thoracic radiographs.

Stage 1 trains a small CNN on a species task (dog / cat / rabbit) and saves it.
Stage 2 re-uses that backbone for canine breed-group classification: the model
is instantiated on the meta device (no wasted random init) and the pretrained
weights are assigned in.
"""
import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class RadiographConfig:
    image_size: int = 48
    in_channels: int = 1
    widths: tuple = (8, 16, 32)
    dropout: float = 0.1
    species: list = field(default_factory=lambda: ["dog", "cat", "rabbit"])
    breed_groups: list = field(
        default_factory=lambda: ["brachycephalic", "toy", "sighthound", "retriever", "giant", "terrier"]
    )
    batch_size: int = 16
    lr: float = 2e-3
    pretrain_epochs: int = 2
    finetune_epochs: int = 3
    ckpt_path: str = os.path.join(HERE, "species_cnn.pt")
    seed: int = 11


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)


class RadiographNet(nn.Module):
    def __init__(self, cfg: RadiographConfig, num_classes: int):
        super().__init__()
        chans = (cfg.in_channels,) + tuple(cfg.widths)
        self.backbone = nn.Sequential(*[ConvBlock(a, b) for a, b in zip(chans[:-1], chans[1:])])
        self.drop = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.widths[-1], num_classes)

    def forward(self, x):
        feats = self.backbone(x)
        feats = feats.mean(dim=(2, 3))
        return self.head(self.drop(feats))


def synth_radiographs(n, n_classes, size, gen):
    """Ellipse-shaped thorax whose aspect ratio / density depends on the class."""
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, size), torch.linspace(-1, 1, size), indexing="ij")
    labels = torch.randint(0, n_classes, (n,), generator=gen)
    imgs = torch.empty(n, 1, size, size)
    for i, c in enumerate(labels.tolist()):
        a = 0.45 + 0.08 * c
        b = 0.75 - 0.05 * c
        thorax = ((xx / b) ** 2 + (yy / a) ** 2 < 1).float()
        ribs = 0.3 * (torch.sin(xx * (8 + c)) > 0.6).float() * thorax
        imgs[i, 0] = 0.6 * thorax + ribs + 0.15 * torch.randn(size, size, generator=gen)
    return imgs, labels


def run_epoch(model, loader, opt, device):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for imgs, labels in loader:
        imgs, labels = imgs.to(device), labels.to(device)
        logits = model(imgs)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * labels.numel()
        correct += (logits.argmax(1) == labels).sum().item()
        seen += labels.numel()
    return total / seen, correct / seen


def pretrain_species(cfg, gen):
    imgs, labels = synth_radiographs(128, len(cfg.species), cfg.image_size, gen)
    loader = DataLoader(TensorDataset(imgs, labels), batch_size=cfg.batch_size, shuffle=True)
    model = RadiographNet(cfg, num_classes=len(cfg.species))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    for ep in range(cfg.pretrain_epochs):
        loss, acc = run_epoch(model, loader, opt, torch.device("cpu"))
        print(f"[species] epoch {ep} loss {loss:.3f} acc {acc:.2f}")
    torch.save(model.state_dict(), cfg.ckpt_path)


def load_breed_model(cfg):
    with torch.device("meta"):
        model = RadiographNet(cfg, num_classes=len(cfg.breed_groups))
    state = torch.load(cfg.ckpt_path, map_location="cpu")
    backbone_state = {k: v for k, v in state.items() if not k.startswith("head.")}
    result = model.load_state_dict(backbone_state, strict=False, assign=True)
    model.head = nn.Linear(cfg.widths[-1], len(cfg.breed_groups))
    print("initialised from scratch:", result.missing_keys)
    return model


def main():
    cfg = RadiographConfig()
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)

    if not os.path.exists(cfg.ckpt_path):
        pretrain_species(cfg, gen)

    model = load_breed_model(cfg)
    device = next(model.parameters()).device
    print("training on", device)

    imgs, labels = synth_radiographs(96, len(cfg.breed_groups), cfg.image_size, gen)
    loader = DataLoader(TensorDataset(imgs, labels), batch_size=cfg.batch_size, shuffle=True)
    opt = torch.optim.AdamW(
        [
            {"params": model.backbone.parameters(), "lr": cfg.lr * 0.1},
            {"params": model.head.parameters(), "lr": cfg.lr},
        ]
    )
    for ep in range(cfg.finetune_epochs):
        loss, acc = run_epoch(model, loader, opt, device)
        print(f"[breed] epoch {ep} loss {loss:.3f} acc {acc:.2f}")


if __name__ == "__main__":
    main()
