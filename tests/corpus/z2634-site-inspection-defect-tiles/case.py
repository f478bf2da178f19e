from dataclasses import dataclass, field
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader


@dataclass
class InspectionConfig:
    photo_hw: tuple = (360, 480)
    resize_hw: tuple = (240, 320)
    tile_size: int = 32
    embed_dim: int = 64
    n_heads: int = 4
    n_layers: int = 2
    defect_types: list = field(default_factory=lambda: ["none", "crack", "spalling", "rust_stain"])
    batch_size: int = 8
    lr: float = 1e-3
    epochs: int = 1
    seed: int = 2024


def synth_site_photos(cfg, n, rng):
    h, w = cfg.photo_hw
    photos = np.empty((n, 3, h, w), dtype=np.float32)
    labels = rng.integers(0, len(cfg.defect_types), size=n)
    yy, xx = np.mgrid[0:h, 0:w]
    for i in range(n):
        base = 0.55 + 0.05 * rng.standard_normal()
        img = base + 0.04 * rng.standard_normal((h, w))
        img += 0.1 * (yy / h)
        photos[i] = img
        kind = cfg.defect_types[labels[i]]
        if kind == "crack":
            x0 = rng.integers(50, w - 50)
            slope = rng.uniform(-0.6, 0.6)
            line = np.abs(xx - (x0 + slope * (yy - h / 2))) < 2
            photos[i][:, line] -= 0.35
        elif kind == "spalling":
            cy, cx = rng.integers(60, h - 60), rng.integers(60, w - 60)
            blob = (yy - cy) ** 2 + (xx - cx) ** 2 < rng.integers(20, 45) ** 2
            photos[i][:, blob] -= 0.2 + 0.1 * rng.standard_normal(blob.sum())
        elif kind == "rust_stain":
            cy, cx = rng.integers(60, h - 60), rng.integers(60, w - 60)
            stain = np.exp(-(((yy - cy) / 30.0) ** 2 + ((xx - cx) / 12.0) ** 2))
            photos[i][0] += 0.3 * stain
            photos[i][2] -= 0.2 * stain
    return torch.from_numpy(photos), torch.from_numpy(labels).long()


def preprocess(photos, cfg):
    x = F.interpolate(photos, size=cfg.resize_hw, mode="bilinear", align_corners=False)
    mean = x.mean(dim=(0, 2, 3), keepdim=True)
    std = x.std(dim=(0, 2, 3), keepdim=True)
    return (x - mean) / (std + 1e-6)


def to_tiles(imgs, tile):
    b, c, h, w = imgs.shape
    rows, cols = h // tile, w // tile
    t = imgs.view(b, c, rows, tile, cols, tile)
    t = t.permute(0, 2, 4, 1, 3, 5).contiguous()
    return t.view(b, rows * cols, c * tile * tile)


class TileDefectClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tile = cfg.tile_size
        h, w = cfg.resize_hw
        n_tiles = (h // cfg.tile_size) * (w // cfg.tile_size)
        self.embed = nn.Linear(3 * cfg.tile_size ** 2, cfg.embed_dim)
        self.pos = nn.Parameter(torch.zeros(1, n_tiles, cfg.embed_dim))
        layer = nn.TransformerEncoderLayer(cfg.embed_dim, cfg.n_heads, 2 * cfg.embed_dim, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.head = nn.Linear(cfg.embed_dim, len(cfg.defect_types))

    def forward(self, imgs):
        tiles = to_tiles(imgs, self.tile)
        z = self.embed(tiles) + self.pos
        z = self.encoder(z)
        return self.head(z.mean(dim=1))


def fit(model, loader, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        model.train()
        seen, loss_sum, correct = 0, 0.0, 0
        for imgs, y in loader:
            logits = model(imgs)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * y.size(0)
            correct += (logits.argmax(1) == y).sum().item()
            seen += y.size(0)
        print(f"epoch {epoch}: loss {loss_sum / seen:.4f} acc {correct / seen:.3f}")


if __name__ == "__main__":
    cfg = InspectionConfig()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    photos, labels = synth_site_photos(cfg, 32, rng)
    imgs = preprocess(photos, cfg)
    print("preprocessed batch:", tuple(imgs.shape))
    loader = DataLoader(TensorDataset(imgs, labels), batch_size=cfg.batch_size, shuffle=True)
    model = TileDefectClassifier(cfg)
    fit(model, loader, cfg)
