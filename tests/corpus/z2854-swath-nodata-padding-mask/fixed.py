import types

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

opts = types.SimpleNamespace(
    seed=3,
    raster=(4, 192, 192),
    tile=48,
    stride=24,
    patch=6,
    nodata=-9999.0,
    max_nodata_frac=0.5,
    embed=40,
    heads=4,
    layers=2,
    batch=8,
    epochs=3,
    lr=1e-3,
)


# ---------------------------------------------------------------- utils
def fake_swath(rng, shape, nodata):
    c, h, w = shape
    yy, xx = np.mgrid[0:h, 0:w]
    water = (np.sin(xx / 17.0) * np.cos(yy / 13.0) > 0.3)
    img = rng.normal(0.12, 0.03, size=shape).astype(np.float32)
    img[3] += np.where(water, -0.08, 0.25)
    img[1] += np.where(water, 0.04, 0.0)
    edge = xx > (0.55 * w + 0.35 * yy)
    img[:, edge] = nodata
    return img, water.astype(np.int64)


def tile_windows(h, w, tile, stride):
    return [(r, c) for r in range(0, h - tile + 1, stride) for c in range(0, w - tile + 1, stride)]


def robust_band_norm(img, nodata):
    out = np.empty_like(img)
    for b in range(img.shape[0]):
        band = img[b]
        valid = band[band != nodata]
        p1, p99 = np.percentile(valid, [1, 99])
        out[b] = np.clip((band - p1) / (p99 - p1), 0, 1)
        out[b][band == nodata] = 0.0
    return out


def patch_nodata_fraction(nodata_px, patch):
    h, w = nodata_px.shape
    blocks = nodata_px.reshape(h // patch, patch, w // patch, patch)
    return blocks.mean(axis=(1, 3)).ravel()


def build_tensors(img, water, o):
    _, h, w = img.shape
    wins = tile_windows(h, w, o.tile, o.stride)
    n_tok = (o.tile // o.patch) ** 2
    nodata_px = img[0] == o.nodata
    normed = robust_band_norm(img, o.nodata)
    chips = np.stack([normed[:, r:r + o.tile, c:c + o.tile] for r, c in wins])
    ignore = np.zeros((len(wins), n_tok), dtype=bool)
    frac_water = np.zeros(len(wins), dtype=np.float32)
    for i, (r, c) in enumerate(wins):
        ignore[i] = patch_nodata_fraction(nodata_px[r:r + o.tile, c:c + o.tile], o.patch) > o.max_nodata_frac
        ok = ~nodata_px[r:r + o.tile, c:c + o.tile]
        frac_water[i] = water[r:r + o.tile, c:c + o.tile][ok].mean() if ok.any() else 0.0
    usable = ignore.mean(1) < 0.9
    return (torch.from_numpy(chips[usable]), torch.from_numpy(ignore[usable]),
            torch.from_numpy(frac_water[usable]))


# ---------------------------------------------------------------- model
class WaterFractionViT(nn.Module):
    def __init__(self, o, in_ch):
        super().__init__()
        n_tok = (o.tile // o.patch) ** 2
        self.stem = nn.Conv2d(in_ch, o.embed, kernel_size=o.patch, stride=o.patch)
        self.cls_tok = nn.Parameter(torch.zeros(1, 1, o.embed))
        self.pos_table = nn.Parameter(torch.randn(1, n_tok + 1, o.embed) * 0.02)
        block = nn.TransformerEncoderLayer(o.embed, o.heads, 2 * o.embed, dropout=0.0, batch_first=True)
        self.blocks = nn.TransformerEncoder(block, o.layers)
        self.regress = nn.Sequential(nn.LayerNorm(o.embed), nn.Linear(o.embed, 1))

    def forward(self, x, ignore):
        z = self.stem(x).flatten(2).transpose(1, 2)
        z = torch.cat([self.cls_tok.expand(len(z), -1, -1), z], 1) + self.pos_table
        pad = torch.cat([torch.zeros_like(ignore[:, :1]), ignore], 1)
        z = self.blocks(z, src_key_padding_mask=pad)
        return torch.sigmoid(self.regress(z[:, 0]).squeeze(-1))


# ---------------------------------------------------------------- main
def main(o):
    rng = np.random.default_rng(o.seed)
    torch.manual_seed(o.seed)
    img, water = fake_swath(rng, o.raster, o.nodata)
    chips, ignore, target = build_tensors(img, water, o)
    print(f"{len(chips)} usable tiles, {ignore.float().mean():.2%} patches masked")

    n_val = max(1, len(chips) // 5)
    perm = torch.randperm(len(chips))
    va, tr = perm[:n_val], perm[n_val:]
    train_dl = DataLoader(TensorDataset(chips[tr], ignore[tr], target[tr]), batch_size=o.batch, shuffle=True)
    val_dl = DataLoader(TensorDataset(chips[va], ignore[va], target[va]), batch_size=o.batch)

    net = WaterFractionViT(o, in_ch=o.raster[0])
    opt = torch.optim.AdamW(net.parameters(), lr=o.lr)
    mse = nn.MSELoss()

    for epoch in range(o.epochs):
        net.train()
        losses = []
        for x, ign, y in train_dl:
            loss = mse(net(x, ign), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        net.eval()
        with torch.no_grad():
            err = [torch.abs(net(x, ign) - y).mean().item() for x, ign, y in val_dl]
        print(f"epoch {epoch}: train mse {np.mean(losses):.4f}  val mae {np.mean(err):.4f}")


if __name__ == "__main__":
    main(opts)
