import math
import types

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

cfg = types.SimpleNamespace(
    raster_bands=("B02", "B03", "B04", "B08", "B11", "B12"),
    bands=("B02", "B03", "B04", "B08"),
    add_indices=True,
    tile=32,
    stride=32,
    patch=8,
    embed_dim=64,
    depth=2,
    heads=4,
    n_classes=5,
    batch_size=8,
    lr=3e-4,
    epochs=2,
    seed=7,
)

# ---------------------------------------------------------------- utils
def make_raster(h, w, n_bands, rng):
    base = rng.gamma(2.0, 600.0, size=(n_bands, h, w)).astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    field = (np.sin(xx / 17.0) + np.cos(yy / 23.0))[None]
    return np.clip(base + 400.0 * field, 0, 10000).astype(np.uint16)


def band_stats(raster):
    flat = raster.reshape(raster.shape[0], -1).astype(np.float64)
    lo = np.percentile(flat, 2, axis=1)
    hi = np.percentile(flat, 98, axis=1)
    return lo.astype(np.float32), hi.astype(np.float32)


def normalise(tile, lo, hi):
    t = (tile.astype(np.float32) - lo[:, None, None]) / (hi - lo)[:, None, None]
    return np.clip(t, 0.0, 1.0)


def spectral_indices(tile, names):
    idx = {n: i for i, n in enumerate(names)}
    nir, red, green = tile[idx["B08"]], tile[idx["B04"]], tile[idx["B03"]]
    ndvi = (nir - red) / (nir + red + 1e-6)
    ndwi = (green - nir) / (green + nir + 1e-6)
    return np.stack([ndvi, ndwi]).astype(np.float32)


def cut_tiles(raster, size, stride):
    _, h, w = raster.shape
    for y in range(0, h - size + 1, stride):
        for x in range(0, w - size + 1, stride):
            yield y, x, raster[:, y:y + size, x:x + size]


# ---------------------------------------------------------------- data
class SceneTiles(Dataset):
    def __init__(self, raster, labels, cfg):
        sel = [cfg.raster_bands.index(b) for b in cfg.bands]
        self.raster = raster[sel]
        self.lo, self.hi = band_stats(self.raster)
        self.items = list(cut_tiles(self.raster, cfg.tile, cfg.stride))
        self.labels = labels
        self.cfg = cfg

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        y, x, tile = self.items[i]
        arr = normalise(tile, self.lo, self.hi)
        if self.cfg.add_indices:
            arr = np.concatenate([arr, spectral_indices(arr, self.cfg.bands)], axis=0)
        return torch.from_numpy(arr), int(self.labels[i])


# ---------------------------------------------------------------- model
class UnfoldPatchEmbed(nn.Module):
    def __init__(self, in_chans, patch, dim):
        super().__init__()
        self.patch = patch
        self.proj = nn.Linear(in_chans * patch * patch, dim)

    def forward(self, x):
        cols = F.unfold(x, kernel_size=self.patch, stride=self.patch)
        return self.proj(cols.transpose(1, 2))


class TinyViT(nn.Module):
    def __init__(self, in_chans, img, patch, dim, depth, heads, n_classes):
        super().__init__()
        n_patches = (img // patch) ** 2
        self.embed = UnfoldPatchEmbed(in_chans, patch, dim)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, n_patches + 1, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, dim * 2, dropout=0.1,
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, depth)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, x):
        tok = self.embed(x)
        tok = torch.cat([self.cls.expand(tok.shape[0], -1, -1), tok], dim=1) + self.pos
        tok = self.norm(self.blocks(tok))
        return self.head(tok[:, 0])


# ---------------------------------------------------------------- main
def main():
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    raster = make_raster(256, 256, len(cfg.raster_bands), rng)
    n_tiles = (256 // cfg.stride) ** 2
    labels = rng.integers(0, cfg.n_classes, size=n_tiles)

    ds = SceneTiles(raster, labels, cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    model = TinyViT(in_chans=len(cfg.bands), img=cfg.tile, patch=cfg.patch,
                    dim=cfg.embed_dim, depth=cfg.depth, heads=cfg.heads,
                    n_classes=cfg.n_classes)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.05)

    for epoch in range(cfg.epochs):
        model.train()
        running, seen = 0.0, 0
        for xb, yb in loader:
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * xb.shape[0]
            seen += xb.shape[0]
        print(f"epoch {epoch}: loss={running / seen:.4f} ({math.ceil(seen / cfg.batch_size)} steps)")


if __name__ == "__main__":
    main()
