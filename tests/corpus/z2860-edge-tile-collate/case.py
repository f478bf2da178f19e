"""Tile-level land-cover classifier on a synthetic 4-band scene (B02, B03, B04, B08)."""
import types

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

settings = types.SimpleNamespace(
    seed=7,
    scene_hw=(160, 200),
    bands=("B02", "B03", "B04", "B08"),
    tile=64,
    stride=64,
    patch=16,
    dim=48,
    depth=2,
    heads=4,
    n_classes=5,
    batch_size=8,
    epochs=1,
    lr=3e-4,
)


# ---------------------------------------------------------------- utils
def make_scene(rng, n_bands, h, w):
    base = rng.gamma(2.0, 400.0, size=(n_bands, h, w)).astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    base[3] += 1500.0 * (np.sin(xx / 17.0) * np.cos(yy / 23.0) > 0.2)
    return base


def bandwise_normalise(scene):
    lo = np.percentile(scene, 2, axis=(1, 2), keepdims=True)
    hi = np.percentile(scene, 98, axis=(1, 2), keepdims=True)
    return np.clip((scene - lo) / (hi - lo + 1e-6), 0.0, 1.0)


def ndvi_label(tile, n_classes):
    red, nir = tile[2], tile[3]
    ndvi = (nir - red) / (nir + red + 1e-6)
    edges = np.linspace(-1.0, 1.0, n_classes + 1)[1:-1]
    return int(np.digitize(ndvi.mean(), edges))


def iter_tiles(scene, size, stride):
    _, h, w = scene.shape
    for r in range(0, h, stride):
        for c in range(0, w, stride):
            yield (r, c), scene[:, r:r + size, c:c + size]


# ---------------------------------------------------------------- data
class SceneTiles(Dataset):
    def __init__(self, scene, cfg):
        self.items = []
        for (r, c), chip in iter_tiles(scene, cfg.tile, cfg.stride):
            self.items.append({
                "pixels": torch.from_numpy(np.ascontiguousarray(chip)),
                "label": ndvi_label(chip, cfg.n_classes),
                "origin": torch.tensor([r, c]),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


# ---------------------------------------------------------------- model
class PatchViT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        n_tokens = (cfg.tile // cfg.patch) ** 2
        self.embed = nn.Conv2d(len(cfg.bands), cfg.dim, kernel_size=cfg.patch, stride=cfg.patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, cfg.dim))
        self.pos = nn.Parameter(torch.randn(1, n_tokens + 1, cfg.dim) * 0.02)
        layer = nn.TransformerEncoderLayer(cfg.dim, cfg.heads, cfg.dim * 2, dropout=0.0,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(cfg.dim)
        self.head = nn.Linear(cfg.dim, cfg.n_classes)

    def forward(self, x):
        tokens = self.embed(x).flatten(2).transpose(1, 2)
        cls = self.cls.expand(tokens.shape[0], -1, -1)
        tokens = torch.cat([cls, tokens], dim=1) + self.pos
        tokens = self.encoder(tokens)
        return self.head(self.norm(tokens[:, 0]))


def train_one_epoch(model, loader, opt):
    model.train()
    total, seen = 0.0, 0
    for batch in loader:
        logits = model(batch["pixels"])
        loss = F.cross_entropy(logits, batch["label"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * batch["label"].numel()
        seen += batch["label"].numel()
    return total / max(seen, 1)


def main(cfg):
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    scene = bandwise_normalise(make_scene(rng, len(cfg.bands), *cfg.scene_hw))
    ds = SceneTiles(scene, cfg)
    print(f"{len(ds)} tiles of {cfg.tile}px from scene {cfg.scene_hw}")
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=False)
    model = PatchViT(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.05)
    for epoch in range(cfg.epochs):
        loss = train_one_epoch(model, loader, opt)
        print(f"epoch {epoch}: loss {loss:.4f}")


if __name__ == "__main__":
    main(settings)
