"""Random-crop pretraining of a small ViT on synthetic Sentinel-2-like tiles.

Crops are snapped to the patch grid and each token keeps the position id it
would have in the full 128 px tile, so the learned position table is shared
between crop training and full-tile inference.
"""
import math
import types
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = types.SimpleNamespace(
    seed=11,
    n_tiles=24,
    n_bands=6,
    full_px=128,
    crop_px=64,
    patch=16,
    width=64,
    n_heads=4,
    n_layers=2,
    n_classes=4,
    batch=6,
    steps=4,
    lr=1e-3,
)


# ------------------------------------------------------------------ utils
def synth_tiles(rng, n, bands, px):
    cube = rng.normal(0.0, 1.0, size=(n, bands, px, px)).astype(np.float32)
    field = rng.integers(0, 4, size=(n, 1, 1, 1))
    cube += field.astype(np.float32) * np.linspace(0.5, 2.0, bands, dtype=np.float32)[None, :, None, None]
    reflect = np.exp(cube) * 300.0
    return reflect, field.reshape(-1)


def band_stats(cube):
    flat = cube.transpose(1, 0, 2, 3).reshape(cube.shape[1], -1)
    return flat.mean(axis=1), flat.std(axis=1)


def standardise(cube, mean, std):
    return (np.log1p(cube) - np.log1p(mean)[None, :, None, None]) / (np.log1p(std)[None, :, None, None] + 1e-6)


def crop_origin_in_patches(origin_px, patch):
    return origin_px / patch


@dataclass
class CropBatch:
    pixels: torch.Tensor
    origin: torch.Tensor
    target: torch.Tensor


def crop_batches(pixels, labels, conf, gen):
    grid_full = conf.full_px // conf.patch
    grid_crop = conf.crop_px // conf.patch
    for _ in range(conf.steps):
        idx = torch.randint(0, pixels.shape[0], (conf.batch,), generator=gen)
        cells = torch.randint(0, grid_full - grid_crop + 1, (conf.batch, 2), generator=gen)
        origin = cells * conf.patch
        chips = torch.stack([
            pixels[i, :, y:y + conf.crop_px, x:x + conf.crop_px]
            for i, (y, x) in zip(idx.tolist(), origin.tolist())
        ])
        yield CropBatch(chips, origin, labels[idx])


# ------------------------------------------------------------------ model
class UnfoldPatchEmbed(nn.Module):
    def __init__(self, in_ch, patch, width):
        super().__init__()
        self.patch = patch
        self.proj = nn.Linear(in_ch * patch * patch, width)

    def forward(self, x):
        cols = F.unfold(x, kernel_size=self.patch, stride=self.patch)
        return self.proj(cols.transpose(1, 2))


class CropViT(nn.Module):
    def __init__(self, conf):
        super().__init__()
        self.grid_full = conf.full_px // conf.patch
        self.embed = UnfoldPatchEmbed(conf.n_bands, conf.patch, conf.width)
        self.pos_table = nn.Embedding(self.grid_full * self.grid_full, conf.width)
        block = nn.TransformerEncoderLayer(conf.width, conf.n_heads, 2 * conf.width,
                                           dropout=0.1, batch_first=True, activation="gelu")
        self.blocks = nn.TransformerEncoder(block, conf.n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(conf.width), nn.Linear(conf.width, conf.n_classes))

    def position_ids(self, origin_cells, crop_grid):
        rr, cc = torch.meshgrid(torch.arange(crop_grid), torch.arange(crop_grid), indexing="ij")
        rows = origin_cells[:, :1, None] + rr.reshape(1, 1, -1)
        cols = origin_cells[:, 1:, None] + cc.reshape(1, 1, -1)
        return (rows * self.grid_full + cols).squeeze(1)

    def forward(self, chips, origin_cells):
        tokens = self.embed(chips)
        crop_grid = int(math.isqrt(tokens.shape[1]))
        pos = self.pos_table(self.position_ids(origin_cells, crop_grid))
        hidden = self.blocks(tokens + pos)
        return self.head(hidden.mean(dim=1))


def run(conf):
    rng = np.random.default_rng(conf.seed)
    gen = torch.Generator().manual_seed(conf.seed)
    torch.manual_seed(conf.seed)
    raw, labels = synth_tiles(rng, conf.n_tiles, conf.n_bands, conf.full_px)
    mu, sigma = band_stats(raw)
    pixels = torch.from_numpy(standardise(raw, mu, sigma).astype(np.float32))
    labels = torch.from_numpy(labels).long()

    model = CropViT(conf)
    optim = torch.optim.Adam(model.parameters(), lr=conf.lr)
    for step, b in enumerate(crop_batches(pixels, labels, conf, gen)):
        cells = crop_origin_in_patches(b.origin, conf.patch)
        logits = model(b.pixels, cells)
        loss = F.cross_entropy(logits, b.target)
        optim.zero_grad(set_to_none=True)
        loss.backward()
        optim.step()
        print(f"step {step} loss {loss.item():.3f}")

    model.eval()
    with torch.no_grad():
        full_cells = torch.zeros(4, 2, dtype=torch.long)
        preds = model(pixels[:4], full_cells).argmax(-1)
    print("full-tile predictions:", preds.tolist(), "targets:", labels[:4].tolist())


if __name__ == "__main__":
    run(cfg)
