import types

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import ViTConfig, ViTForImageClassification

opts = types.SimpleNamespace(
    bands=["B02", "B03", "B04", "B08", "B8A", "B11"],
    nodata=0,
    raster_hw=(320, 320),
    tile=32,
    patch=8,
    scene_labels=["cloudfree", "partly_cloudy", "haze"],
    batch_size=8,
    lr=2e-4,
    epochs=1,
    seed=21,
)

# ---------------------------------------------------------------- utils
def synth_granule(hw, n_bands, rng, nodata=0):
    h, w = hw
    dn = rng.lognormal(mean=7.0, sigma=0.35, size=(n_bands, h, w)).astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    outside_swath = (xx + 0.6 * yy) > 1.15 * w
    dn[:, outside_swath] = nodata
    return dn


def robust_band_stats(raster, nodata):
    valid = raster[0] != nodata
    stats = []
    for b in raster:
        v = b[valid]
        stats.append((np.median(v), np.subtract(*np.percentile(v, [75, 25])) + 1e-6))
    return np.array(stats, dtype=np.float32)


def scale_tile(tile, stats):
    return (tile - stats[:, 0, None, None]) / stats[:, 1, None, None]


def tile_origins(hw, size):
    h, w = hw
    return [(r, c) for r in range(0, h - size + 1, size) for c in range(0, w - size + 1, size)]


# ---------------------------------------------------------------- data
class GranuleTiles(Dataset):
    def __init__(self, raster, labels, o):
        self.raster = raster
        self.stats = robust_band_stats(raster, o.nodata)
        self.origins = tile_origins(raster.shape[1:], o.tile)
        self.labels = labels
        self.o = o

    def __len__(self):
        return len(self.origins)

    def __getitem__(self, i):
        r, c = self.origins[i]
        raw = self.raster[:, r:r + self.o.tile, c:c + self.o.tile]
        invalid = raw[0] == self.o.nodata
        x = np.where(invalid[None], 0.0, scale_tile(raw, self.stats)).astype(np.float32)
        return {
            "pixel_values": torch.from_numpy(x),
            "labels": int(self.labels[i]),
            "nodata_mask": torch.from_numpy(invalid),
        }


# ---------------------------------------------------------------- train
def build_model(o):
    conf = ViTConfig(
        image_size=o.tile,
        patch_size=o.patch,
        num_channels=len(o.bands),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=len(o.scene_labels),
    )
    return ViTForImageClassification(conf)


def train(o):
    rng = np.random.default_rng(o.seed)
    torch.manual_seed(o.seed)
    raster = synth_granule(o.raster_hw, len(o.bands), rng, o.nodata)
    n_tiles = len(tile_origins(o.raster_hw, o.tile))
    labels = rng.integers(0, len(o.scene_labels), size=n_tiles)
    ds = GranuleTiles(raster, labels, o)
    dl = DataLoader(ds, batch_size=o.batch_size, shuffle=True)

    model = build_model(o)
    optimizer = torch.optim.AdamW(model.parameters(), lr=o.lr)
    model.train()
    for epoch in range(o.epochs):
        losses, masked_frac = [], []
        for batch in dl:
            out = model(pixel_values=batch["pixel_values"], labels=batch["labels"])
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            losses.append(out.loss.item())
            masked_frac.append(batch["nodata_mask"].float().mean().item())
        print(f"epoch {epoch}: loss {np.mean(losses):.4f}, nodata share {np.mean(masked_frac):.3f}")


if __name__ == "__main__":
    train(opts)
