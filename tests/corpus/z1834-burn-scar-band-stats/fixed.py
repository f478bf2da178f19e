"""Burn-scar segmentation on post-fire Sentinel-2 L2A tiles.

Tiles are cut from a synthetic post-fire raster; the 60 m atmospheric bands are
dropped, each remaining band is standardised with per-band statistics, and a small
fully convolutional net is trained against a dNBR-derived burn mask.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
rng = np.random.default_rng(21)

S2_BANDS = ["B01", "B02", "B03", "B04", "B05", "B06", "B07",
            "B08", "B8A", "B09", "B10", "B11", "B12"]
ATMOS_BANDS = {"B01", "B09", "B10"}
TILE = 32
DNBR_BURNED = 0.27


def synth_raster(h, w, burned_frac=0.3):
    """Pre- and post-fire reflectance stacks (13, h, w) with a few burn scars."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([0.05 + 0.02 * i + 0.01 * np.sin(xx / (9 + i)) for i in range(len(S2_BANDS))])
    pre = base + rng.normal(0, 0.005, base.shape)
    burn = np.zeros((h, w), dtype=bool)
    while burn.mean() < burned_frac:
        cy, cx, r = rng.uniform(0, h), rng.uniform(0, w), rng.uniform(8, 30)
        burn |= (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
    post = pre.copy()
    nir = S2_BANDS.index("B8A")
    swir = S2_BANDS.index("B12")
    post[nir][burn] *= 0.45
    post[swir][burn] *= 1.8
    return pre.astype(np.float32), post.astype(np.float32)


def nbr(stack, names):
    nir = stack[names.index("B8A")]
    swir = stack[names.index("B12")]
    return (nir - swir) / (nir + swir + 1e-6)


def tile_raster(arr, tile):
    c, h, w = arr.shape
    out = []
    for r in range(0, h - tile + 1, tile):
        for col in range(0, w - tile + 1, tile):
            out.append(arr[:, r:r + tile, col:col + tile])
    return np.stack(out)


def band_stats(patches, band_names):
    stats = {}
    for b in range(len(band_names)):
        vals = patches[:, b]
        stats[band_names[b]] = (vals.mean().item(), vals.std().item() + 1e-6)
    return stats


def standardise(patches, stats, band_names):
    out = torch.empty_like(patches)
    for b, name in enumerate(band_names):
        mu, sd = stats[name]
        out[:, b] = (patches[:, b] - mu) / sd
    return out


class BurnNet(nn.Module):
    def __init__(self, in_ch):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(in_ch, 16, 3, padding=1), nn.ReLU())
        self.enc2 = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1, stride=2), nn.ReLU())
        self.up = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.out = nn.Conv2d(32, 1, 1)

    def forward(self, x):
        a = self.enc1(x)
        b = self.enc2(a)
        return self.out(torch.cat([a, self.up(b)], dim=1)).squeeze(1)


def main():
    pre, post = synth_raster(256, 256)
    dnbr = nbr(pre, S2_BANDS) - nbr(post, S2_BANDS)
    burn_mask = (dnbr > DNBR_BURNED).astype(np.float32)

    keep_idx = [i for i, n in enumerate(S2_BANDS) if n not in ATMOS_BANDS]
    kept_bands = [S2_BANDS[i] for i in keep_idx]
    post_kept = post[keep_idx]

    x = torch.from_numpy(tile_raster(post_kept, TILE))
    y = torch.from_numpy(tile_raster(burn_mask[None], TILE)[:, 0])
    print(f"{x.shape[0]} tiles, {x.shape[1]} bands, burned share {y.mean():.3f}")

    stats = band_stats(x, kept_bands)
    x = standardise(x, stats, kept_bands)

    n_val = x.shape[0] // 5
    x_tr, y_tr, x_va, y_va = x[n_val:], y[n_val:], x[:n_val], y[:n_val]
    model = BurnNet(len(kept_bands))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    pos_weight = (1 - y_tr.mean()) / y_tr.mean()
    for epoch in range(5):
        perm = torch.randperm(x_tr.shape[0])
        for i in range(0, x_tr.shape[0], 16):
            idx = perm[i:i + 16]
            loss = F.binary_cross_entropy_with_logits(model(x_tr[idx]), y_tr[idx], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            pred = model(x_va) > 0
            inter = (pred & (y_va > 0.5)).sum().item()
            union = (pred | (y_va > 0.5)).sum().item()
        print(f"epoch {epoch}: loss {loss.item():.3f}  val IoU {inter / max(union, 1):.3f}")


if __name__ == "__main__":
    main()
