"""Electron vs charged-pion shower identification in a 3-layer sampling calorimeter.

Showers are stored flat (CaloGAN-style): the cells of layer 0 (3x96),
layer 1 (12x12) and layer 2 (12x6) concatenated into one 504-long vector.
The model unpacks each layer back to an image and runs a small CNN per layer.
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
class CaloConfig:
    layer_shapes: list = field(default_factory=lambda: [(3, 96), (12, 12), (12, 6)])
    n_showers: int = 768
    batch_size: int = 64
    channels: int = 8
    epochs: int = 3
    lr: float = 1e-3
    seed: int = 5
    data_file: str = "showers.npz"


def gaussian_blob(rng, h, w, sigma_h, sigma_w, total):
    yy, xx = np.mgrid[0:h, 0:w]
    cy = (h - 1) / 2 + rng.normal(0, 0.3)
    cx = (w - 1) / 2 + rng.normal(0, 0.3 * w / h)
    img = np.exp(-((yy - cy) ** 2) / (2 * sigma_h ** 2) - ((xx - cx) ** 2) / (2 * sigma_w ** 2))
    img = img / img.sum() * total
    return rng.poisson(img * 50) / 50.0


def write_showers(cfg, path):
    rng = np.random.default_rng(cfg.seed)
    flat, labels = [], []
    for _ in range(cfg.n_showers):
        is_pion = int(rng.random() < 0.5)
        e_beam = rng.uniform(10, 100)
        fracs = np.array([0.05, 0.25, 0.70]) if is_pion else np.array([0.30, 0.60, 0.10])
        fracs = rng.dirichlet(fracs * 40)
        width = 1.8 if is_pion else 0.9
        layers = []
        for (h, w), frac in zip(cfg.layer_shapes, fracs):
            layers.append(gaussian_blob(rng, h, w, width * h / 12, width * w / 12, e_beam * frac).ravel())
        flat.append(np.concatenate(layers))
        labels.append(is_pion)
    np.savez(path, cells=np.asarray(flat, dtype=np.float32), labels=np.asarray(labels))


class LayerBranch(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(1, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return F.adaptive_avg_pool2d(x, 1).flatten(1)


class CaloPID(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer_shapes = cfg.layer_shapes
        cells_per_layer = [h * w for h, w in cfg.layer_shapes]
        self.layer_start = np.cumsum(cells_per_layer).tolist()
        self.branches = nn.ModuleList(LayerBranch(cfg.channels) for _ in cfg.layer_shapes)
        n_layers = len(cfg.layer_shapes)
        self.head = nn.Sequential(
            nn.Linear(n_layers * cfg.channels + n_layers, 32), nn.ReLU(), nn.Linear(32, 2)
        )

    def unpack(self, cells):
        images = []
        for start, (h, w) in zip(self.layer_start, self.layer_shapes):
            layer = cells[:, start:start + h * w]
            images.append(layer.reshape(cells.shape[0], 1, h, w))
        return images

    def forward(self, cells):
        images = self.unpack(torch.log1p(cells))
        layer_e = torch.stack([img.sum(dim=(1, 2, 3)) for img in images], dim=1)
        layer_frac = layer_e / layer_e.sum(1, keepdim=True).clamp(min=1e-6)
        feats = [branch(img) for branch, img in zip(self.branches, images)]
        return self.head(torch.cat(feats + [layer_frac], dim=1))


def main():
    cfg = CaloConfig()
    torch.manual_seed(cfg.seed)
    path = os.path.join(HERE, cfg.data_file)
    if not os.path.exists(path):
        write_showers(cfg, path)
    data = np.load(path)
    cells = torch.from_numpy(data["cells"])
    labels = torch.from_numpy(data["labels"]).long()
    print(f"loaded {cells.shape[0]} showers with {cells.shape[1]} cells each")

    n_train = int(0.8 * len(cells))
    train_loader = DataLoader(TensorDataset(cells[:n_train], labels[:n_train]),
                              batch_size=cfg.batch_size, shuffle=True)
    val_cells, val_labels = cells[n_train:], labels[n_train:]

    model = CaloPID(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        model.train()
        for x, y in train_loader:
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = (model(val_cells).argmax(1) == val_labels).float().mean()
        print(f"epoch {epoch}: last loss {loss.item():.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()
