"""Bee traffic counts from hive-entrance camera frames.

Frames are cropped around the landing board, cut into square patches, and a small
patch encoder regresses how many bees sit in each patch. Summing patch counts gives
the per-frame forager count that goes into the daily activity curve.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "seed": 21,
    "n_frames": 64,
    "frame_hw": (300, 300),
    "crop": 256,
    "patch": 16,
    "embed": 48,
    "batch": 8,
    "lr": 1e-3,
    "steps": 30,
    "max_bees": 25,
}


def render_frame(rng, hw, n_bees):
    h, w = hw
    img = np.full((3, h, w), 0.55, dtype=np.float32)
    img += rng.normal(0, 0.03, size=img.shape).astype(np.float32)
    yy, xx = np.mgrid[-10:11, -10:11]
    centres = []
    for _ in range(n_bees):
        cy, cx = rng.integers(30, h - 30), rng.integers(30, w - 30)
        ry, rx = rng.uniform(3, 5), rng.uniform(6, 9)
        blob = (yy / ry) ** 2 + (xx / rx) ** 2 < 1.0
        stripes = blob & (xx % 4 < 2)
        win = img[:, cy - 10:cy + 11, cx - 10:cx + 11]
        win[0][blob] = 0.75
        win[1][blob] = 0.55
        win[2][blob] = 0.1
        win[:, stripes] = 0.08
        centres.append((cy, cx))
    return img, centres


def centre_crop(img, centres, size):
    _, h, w = img.shape
    top, left = (h - size) // 2, (w - size) // 2
    cropped = img[:, top:top + size, left:left + size]
    kept = [(cy - top, cx - left) for cy, cx in centres
            if top <= cy < top + size and left <= cx < left + size]
    return cropped, kept


def density_target(centres, size, patch):
    grid = size // patch
    counts = np.zeros((grid, grid), dtype=np.float32)
    for cy, cx in centres:
        gy, gx = min(cy // patch, grid - 1), min(cx // patch, grid - 1)
        counts[gy, gx] += 1
    return counts


def build_dataset(cfg):
    rng = np.random.default_rng(cfg["seed"])
    frames, targets = [], []
    for _ in range(cfg["n_frames"]):
        n = int(rng.integers(0, cfg["max_bees"]))
        img, centres = render_frame(rng, cfg["frame_hw"], n)
        img, centres = centre_crop(img, centres, cfg["crop"])
        frames.append(img)
        targets.append(density_target(centres, cfg["crop"], cfg["patch"]))
    return torch.from_numpy(np.stack(frames)), torch.from_numpy(np.stack(targets))


def patchify(imgs, patch):
    B, C, H, W = imgs.shape
    x = imgs.view(B, C, H // patch, patch, W // patch, patch)
    x = x.permute(0, 2, 4, 1, 3, 5).contiguous()
    return x.view(B, (H // patch) * (W // patch), C * patch * patch)


def make_model(cfg):
    in_dim = 3 * cfg["patch"] ** 2
    return nn.Sequential(
        nn.Linear(in_dim, cfg["embed"]),
        nn.GELU(),
        nn.Linear(cfg["embed"], cfg["embed"]),
        nn.GELU(),
        nn.Linear(cfg["embed"], 1),
        nn.Softplus(),
    )


def forward_counts(model, imgs, cfg):
    patches = patchify(imgs, cfg["patch"])
    grid = cfg["crop"] // cfg["patch"]
    return model(patches).squeeze(-1).view(imgs.shape[0], grid, grid)


def main(cfg=CFG):
    torch.manual_seed(cfg["seed"])
    frames, density = build_dataset(cfg)
    print("frames", tuple(frames.shape), "mean bees/frame", density.sum((1, 2)).mean().item())

    model = make_model(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    gen = torch.Generator().manual_seed(cfg["seed"])

    for step in range(cfg["steps"]):
        idx = torch.randint(0, len(frames), (cfg["batch"],), generator=gen)
        pred = forward_counts(model, frames[idx], cfg)
        loss = F.mse_loss(pred, density[idx]) + 0.01 * F.l1_loss(pred.sum((1, 2)), density[idx].sum((1, 2)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            err = (pred.sum((1, 2)) - density[idx].sum((1, 2))).abs().mean().item()
            print(f"step {step:3d} loss {loss.item():.4f} count MAE {err:.2f}")


if __name__ == "__main__":
    main()
