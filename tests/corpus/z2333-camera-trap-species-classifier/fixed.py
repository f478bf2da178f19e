import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class TrapConfig:
    image_size: int = 64
    widths: tuple = (16, 32, 64)
    dropout: float = 0.2
    batch_size: int = 16
    lr: float = 3e-4
    epochs: int = 2
    device: str = "cpu"
    backbone_ckpt: str = os.path.join(HERE, "trap_backbone.pt")
    species: list = field(default_factory=lambda: [
        "empty", "red_deer", "roe_deer", "wild_boar", "red_fox", "badger", "pine_marten",
    ])


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)


class TrapBackbone(nn.Module):
    def __init__(self, widths):
        super().__init__()
        chans = (3,) + tuple(widths)
        self.blocks = nn.ModuleList(ConvBlock(a, b) for a, b in zip(chans[:-1], chans[1:]))
        self.out_dim = widths[-1]

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        return x.mean(dim=(2, 3))


class SpeciesHead(nn.Module):
    def __init__(self, in_dim, n_species, dropout):
        super().__init__()
        self.night_emb = nn.Embedding(2, in_dim)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(in_dim, n_species)

    def forward(self, feats, is_night):
        return self.fc(self.drop(feats + self.night_emb(is_night)))


class CameraTrapNet(nn.Module):
    def __init__(self, backbone, head):
        super().__init__()
        self.backbone = backbone
        self.head = head

    def forward(self, images, is_night):
        return self.head(self.backbone(images), is_night)


class TrapImages(Dataset):
    """Fake camera-trap crops: each species gets a colour/texture signature, night shots are IR-grey."""

    def __init__(self, n, cfg, seed):
        rng = np.random.default_rng(seed)
        s = cfg.image_size
        self.labels = rng.integers(0, len(cfg.species), size=n)
        self.night = rng.random(n) < 0.45
        imgs = rng.normal(0.4, 0.15, size=(n, 3, s, s)).astype(np.float32)
        for i, (y, nt) in enumerate(zip(self.labels, self.night)):
            if y > 0:
                r0 = rng.integers(0, s // 2)
                c0 = rng.integers(0, s // 2)
                imgs[i, y % 3, r0:r0 + s // 3, c0:c0 + s // 3] += 0.1 * y
            if nt:
                imgs[i] = imgs[i].mean(0, keepdims=True) * 0.6
        self.images = torch.from_numpy(np.clip(imgs, 0, 1))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.images[i], int(self.night[i]), int(self.labels[i])


def export_pretrained_backbone(cfg):
    # stands in for the backbone exported from the regional pretraining run
    torch.manual_seed(0)
    bb = TrapBackbone(cfg.widths)
    torch.save(bb.state_dict(), cfg.backbone_ckpt)


def build_model(cfg):
    with torch.device("meta"):
        backbone = TrapBackbone(cfg.widths)
    head = SpeciesHead(backbone.out_dim, len(cfg.species), cfg.dropout).to(cfg.device)
    state = torch.load(cfg.backbone_ckpt, map_location=cfg.device)
    backbone.load_state_dict(state, assign=True)
    nn.init.trunc_normal_(head.fc.weight, std=0.02)
    nn.init.zeros_(head.fc.bias)
    nn.init.normal_(head.night_emb.weight, std=0.02)
    return CameraTrapNet(backbone, head)


def train(cfg):
    export_pretrained_backbone(cfg)
    train_ds = TrapImages(96, cfg, seed=1)
    val_ds = TrapImages(32, cfg, seed=2)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = build_model(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.05)

    for epoch in range(cfg.epochs):
        model.train()
        for images, is_night, labels in train_dl:
            images, is_night, labels = (t.to(cfg.device) for t in (images, is_night, labels))
            logits = model(images, is_night)
            loss = F.cross_entropy(logits, labels, label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()

        model.eval()
        correct = 0
        with torch.no_grad():
            for images, is_night, labels in val_dl:
                pred = model(images.to(cfg.device), is_night.to(cfg.device)).argmax(-1)
                correct += (pred.cpu() == labels).sum().item()
        print(f"epoch {epoch}: loss {loss.item():.3f} val acc {correct / len(val_ds):.3f}")


if __name__ == "__main__":
    train(TrapConfig())
