"""Flood-water segmentation from Sentinel-1 GRD backscatter (VV, VH).

A dual-polarisation scene in dB is split into non-overlapping training tiles with a
single reshape, a small U-shaped CNN is fitted to a water mask obtained by
thresholding VH, and the tiles are stitched back into a full-scene prediction.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
rng = np.random.default_rng(4)

SCENE_ROWS, SCENE_COLS = 500, 600
TILE = 64
VH_WATER_DB = -21.0


def simulate_s1_scene(rows, cols):
    yy, xx = np.mgrid[0:rows, 0:cols].astype(np.float32)
    river = np.abs(yy - (rows / 2 + 60 * np.sin(xx / 90.0))) < 25
    lakes = np.zeros_like(river)
    for _ in range(6):
        cy, cx, r = rng.uniform(0, rows), rng.uniform(0, cols), rng.uniform(15, 45)
        lakes |= (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
    water = river | lakes
    speckle_vv = rng.gamma(4.0, 0.25, size=(rows, cols))
    speckle_vh = rng.gamma(4.0, 0.25, size=(rows, cols))
    vv = np.where(water, -19.0, -9.0) + 10 * np.log10(speckle_vv)
    vh = np.where(water, -26.0, -16.0) + 10 * np.log10(speckle_vh)
    scene = np.stack([vv, vh]).astype(np.float32)
    return torch.from_numpy(scene)


def to_tiles(raster, tile):
    """(C, H, W) -> (n_tiles, C, tile, tile) without copying each window by hand."""
    c = raster.shape[0]
    n_r = raster.shape[1] // tile
    n_c = raster.shape[2] // tile
    t = raster.reshape(c, n_r, tile, n_c, tile)
    return t.permute(1, 3, 0, 2, 4).reshape(n_r * n_c, c, tile, tile), (n_r, n_c)


def from_tiles(tiles, grid):
    n_r, n_c = grid
    n, c, th, tw = tiles.shape
    t = tiles.reshape(n_r, n_c, c, th, tw).permute(2, 0, 3, 1, 4)
    return t.reshape(c, n_r * th, n_c * tw)


class WaterNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(2, 16, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(16, 16, 3, padding=1, stride=2), nn.ReLU())
        self.mid = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU())
        self.up = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.head = nn.Conv2d(16 + 2, 1, 1)

    def forward(self, x):
        z = self.up(self.mid(self.down(x)))
        return self.head(torch.cat([z, x], dim=1))


def main():
    scene = simulate_s1_scene(SCENE_ROWS, SCENE_COLS)
    smooth_vh = F.avg_pool2d(scene[1:2][None], 5, stride=1, padding=2)[0]
    water = (smooth_vh < VH_WATER_DB).float()
    print(f"scene {tuple(scene.shape)}, water share {water.mean():.3f}")

    mu = scene.mean(dim=(1, 2), keepdim=True)
    sd = scene.std(dim=(1, 2), keepdim=True)
    scene_n = (scene - mu) / sd

    x, grid = to_tiles(scene_n, TILE)
    y, _ = to_tiles(water, TILE)
    print(f"{x.shape[0]} tiles on a {grid[0]}x{grid[1]} grid")

    model = WaterNet()
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for epoch in range(4):
        perm = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0], 8):
            idx = perm[i:i + 8]
            loss = F.binary_cross_entropy_with_logits(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")

    with torch.no_grad():
        prob = torch.sigmoid(model(x))
    flood_map = from_tiles(prob, grid)[0] > 0.5
    ref = from_tiles(y, grid)[0] > 0.5
    iou = (flood_map & ref).sum().item() / max((flood_map | ref).sum().item(), 1)
    print(f"stitched map {tuple(flood_map.shape)}, IoU vs VH threshold {iou:.3f}")


if __name__ == "__main__":
    main()
