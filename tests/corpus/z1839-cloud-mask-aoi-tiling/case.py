"""Cloud masking over an AOI clipped from a Sentinel-2 granule.

The AOI window is clipped out of the full raster, padded up to whole tiles,
cut into 128 x 128 patches for a small per-pixel cloud classifier, and the
predicted patches are stitched back and cropped to the AOI extent.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

BANDS = ["B02", "B04", "B08", "B10"]      # blue, red, nir, cirrus
GRANULE_PX = 600
AOI_WINDOW = (40, 540, 100, 520)           # row0, row1, col0, col1 in granule pixels
TILE = 128


def synth_granule(size):
    """Surface reflectance with bright, smooth cloud blobs on top."""
    yy, xx = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    cloud = torch.zeros(size, size)
    for _ in range(9):
        cy, cx = torch.randint(0, size, (2,)).tolist()
        r = float(torch.randint(25, 70, (1,)))
        cloud += torch.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r ** 2))
    cloud_mask = (cloud > 0.5).float()
    surface = torch.stack([
        0.05 + 0.03 * torch.rand(size, size),
        0.07 + 0.05 * torch.rand(size, size),
        0.25 + 0.15 * torch.rand(size, size),
        0.002 * torch.rand(size, size),
    ])
    cloud_refl = torch.tensor([0.55, 0.55, 0.60, 0.04])[:, None, None]
    opacity = cloud.clamp(0, 1)[None]
    image = surface * (1 - opacity) + cloud_refl * opacity
    return image, cloud_mask


def clip_window(raster, window):
    r0, r1, c0, c1 = window
    return raster[..., r0:r1, c0:c1]


def pad_to_tiles(scene, tile):
    side = scene.shape[-1]
    pad = (tile - side % tile) % tile
    return F.pad(scene, (0, pad, 0, pad), mode="constant", value=0.0)


def to_tiles(raster, tile):
    c, h, w = raster.shape
    grid = raster.reshape(c, h // tile, tile, w // tile, tile)
    return grid.permute(1, 3, 0, 2, 4).reshape(-1, c, tile, tile), (h // tile, w // tile)


def from_tiles(tiles, grid_hw):
    n, c, t, _ = tiles.shape
    gh, gw = grid_hw
    return tiles.reshape(gh, gw, c, t, t).permute(2, 0, 3, 1, 4).reshape(c, gh * t, gw * t)


class CloudNet(nn.Module):
    def __init__(self, in_ch):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_ch, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=2, dilation=2), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 1, 1),
        )

    def forward(self, x):
        return self.body(x)


def main():
    granule, granule_clouds = synth_granule(GRANULE_PX)
    aoi = clip_window(granule, AOI_WINDOW)
    aoi_clouds = clip_window(granule_clouds, AOI_WINDOW)
    aoi_h, aoi_w = aoi.shape[-2:]
    print(f"AOI {aoi_h} x {aoi_w} px, true cloud cover {aoi_clouds.mean().item():.1%}")

    padded = pad_to_tiles(aoi, TILE)
    padded_mask = pad_to_tiles(aoi_clouds[None], TILE)
    x_tiles, grid = to_tiles(padded, TILE)
    y_tiles, _ = to_tiles(padded_mask, TILE)
    print(f"{x_tiles.shape[0]} tiles on a {grid[0]} x {grid[1]} grid")

    model = CloudNet(len(BANDS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    bce = nn.BCEWithLogitsLoss()
    for step in range(40):
        idx = torch.randint(0, x_tiles.shape[0], (6,))
        loss = bce(model(x_tiles[idx]), y_tiles[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 9:
            print(f"step {step + 1}: bce {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        prob_tiles = torch.sigmoid(model(x_tiles))
    prob = from_tiles(prob_tiles, grid)[0, :aoi_h, :aoi_w]
    pred_mask = prob > 0.5
    truth = aoi_clouds.bool()
    iou = (pred_mask & truth).sum().item() / max((pred_mask | truth).sum().item(), 1)
    print(f"predicted cloud cover {pred_mask.float().mean().item():.1%}, IoU {iou:.3f}")


if __name__ == "__main__":
    main()
