import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "scene_h": 256,
    "scene_w": 192,
    "tile_size": 32,
    "tile_stride": 16,
    "n_scenes": 2,
    "flood_threshold": 0.35,
    "lr": 2e-3,
    "iters": 30,
    "seed": 3,
}


def make_sar_scene(rng, h, w):
    """Fake Sentinel-1 VV/VH backscatter (dB) with a meandering river flood plain."""
    yy, xx = np.mgrid[0:h, 0:w]
    centre = w / 2 + 25 * np.sin(yy / 30.0 + rng.uniform(0, 6))
    width = rng.uniform(18, 40)
    water = (np.abs(xx - centre) < width).astype(np.float32)
    vv = np.where(water > 0, -20.0, -8.0) + rng.normal(0, 2.0, (h, w))
    vh = np.where(water > 0, -27.0, -15.0) + rng.normal(0, 2.0, (h, w))
    return np.stack([vv, vh]).astype(np.float32), water


def load_scenes(cfg):
    rng = np.random.default_rng(cfg["seed"])
    sar, masks = [], []
    for _ in range(cfg["n_scenes"]):
        s, m = make_sar_scene(rng, cfg["scene_h"], cfg["scene_w"])
        sar.append(s)
        masks.append(m)
    sar = torch.from_numpy(np.stack(sar))
    masks = torch.from_numpy(np.stack(masks)).unsqueeze(1)
    sar = (sar - sar.mean(dim=(0, 2, 3), keepdim=True)) / sar.std(dim=(0, 2, 3), keepdim=True)
    return sar, masks


def tile_scene(x, cfg):
    k, s = cfg["tile_size"], cfg["tile_stride"]
    cols = F.unfold(x, kernel_size=k, stride=s)
    b, ck2, n_tiles = cols.shape
    c = ck2 // (k * k)
    tiles = cols.transpose(1, 2).reshape(b * n_tiles, c, k, k)
    return tiles


def tile_grid_shape(cfg):
    k, s = cfg["tile_size"], cfg["tile_stride"]
    n_rows = (cfg["scene_h"] - k) // s + 1
    n_cols = (cfg["scene_w"] - k) // s + 1
    return n_rows, n_cols


def build_tile_net():
    return nn.Sequential(
        nn.Conv2d(2, 8, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(16, 1),
    )


def train_tile_net(net, sar, masks, cfg):
    tiles = tile_scene(sar, cfg)
    tile_frac = tile_scene(masks, cfg).mean(dim=(1, 2, 3))
    opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])
    for it in range(cfg["iters"]):
        idx = torch.randint(0, tiles.shape[0], (64,))
        pred = torch.sigmoid(net(tiles[idx]).squeeze(1))
        loss = F.mse_loss(pred, tile_frac[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 10 == 0:
            print(f"iter {it:3d} tile mse {loss.item():.4f}")
    return net


@torch.no_grad()
def mosaic_flood_extent(net, sar, cfg):
    tiles = tile_scene(sar, cfg)
    frac = torch.sigmoid(net(tiles).squeeze(1))
    n_rows, n_cols = tile_grid_shape(cfg)
    frac_grid = frac.view(sar.shape[0], n_rows, n_cols)
    flooded = frac_grid > cfg["flood_threshold"]
    return frac_grid, flooded


def summarise(frac_grid, flooded, cfg):
    px_per_tile = cfg["tile_stride"] ** 2
    for b in range(frac_grid.shape[0]):
        n_flood = flooded[b].sum().item()
        print(f"scene {b}: grid {tuple(frac_grid[b].shape)} flooded tiles {n_flood} "
              f"(~{n_flood * px_per_tile} px), mean frac {frac_grid[b].mean():.3f}")


def main():
    torch.manual_seed(CFG["seed"])
    sar, masks = load_scenes(CFG)
    print("scenes:", tuple(sar.shape), "masks:", tuple(masks.shape))
    net = train_tile_net(build_tile_net(), sar, masks, CFG)
    net.eval()
    frac_grid, flooded = mosaic_flood_extent(net, sar, CFG)
    summarise(frac_grid, flooded, CFG)


if __name__ == "__main__":
    main()
