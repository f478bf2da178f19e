"""Patch-level cloud screening for Sentinel-2 L1C chips.

A tiny ViT encodes 13-band 10 m chips; every patch token gets a cloudy / clear
prediction. Targets come from a scene-classification style cloud mask delivered on
the 20 m grid, aggregated to one label per ViT patch (cloudy if >40 % of the
patch is flagged).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import ViTConfig, ViTModel

torch.manual_seed(3)
rng = np.random.default_rng(11)

N_BANDS = 13
CHIP_PX = 64          # chip side on the 10 m grid
IMAGE_RES_M = 10
MASK_RES_M = 20
CLOUD_FRACTION_THR = 0.4
N_CHIPS = 48


def make_scene(height, width):
    """Synthetic L1C scene (bands, H, W) plus a cloud field on the 10 m grid."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    surface = 0.08 + 0.04 * np.sin(xx / 37.0) * np.cos(yy / 23.0)
    bands = np.stack([surface * (1 + 0.1 * b) for b in range(N_BANDS)])
    bands += rng.normal(0, 0.01, size=bands.shape).astype(np.float32)
    cloud = np.zeros((height, width), dtype=np.float32)
    for _ in range(25):
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        r = rng.uniform(10, 40)
        cloud += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))
    cloud = np.clip(cloud, 0, 1)
    bands = bands * (1 - cloud) + 0.6 * cloud
    return bands.astype(np.float32), cloud


def cut_chips(bands, cloud, n, chip):
    _, h, w = bands.shape
    imgs, masks = [], []
    scale = MASK_RES_M // IMAGE_RES_M
    for _ in range(n):
        r = int(rng.integers(0, (h - chip) // scale)) * scale
        c = int(rng.integers(0, (w - chip) // scale)) * scale
        imgs.append(bands[:, r:r + chip, c:c + chip])
        m = cloud[r:r + chip:scale, c:c + chip:scale] > 0.5
        masks.append(m.astype(np.float32))
    return torch.from_numpy(np.stack(imgs)), torch.from_numpy(np.stack(masks))


def patch_targets(mask20, cell):
    """Fraction of flagged pixels in each cell x cell block -> binary label per block."""
    frac = F.avg_pool2d(mask20.unsqueeze(1), kernel_size=cell, stride=cell)
    return (frac.squeeze(1) > CLOUD_FRACTION_THR).long().flatten(1)


class PatchCloudNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.vit = ViTModel(cfg, add_pooling_layer=False)
        self.classifier = nn.Linear(cfg.hidden_size, 2)

    def forward(self, chips):
        h = self.vit(pixel_values=chips).last_hidden_state
        return self.classifier(h[:, 1:])   # drop CLS -> (batch, n_patches, 2)


def main():
    bands, cloud = make_scene(512, 512)
    chips, mask20 = cut_chips(bands, cloud, N_CHIPS, CHIP_PX)
    mu = chips.mean(dim=(0, 2, 3), keepdim=True)
    sd = chips.std(dim=(0, 2, 3), keepdim=True)
    chips = (chips - mu) / sd

    cfg = ViTConfig(
        image_size=CHIP_PX,
        patch_size=16,
        num_channels=N_BANDS,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
    )
    targets = patch_targets(mask20, cfg.patch_size)
    print("chips", tuple(chips.shape), "mask", tuple(mask20.shape), "targets", tuple(targets.shape))
    print("cloudy patch share:", targets.float().mean().item())

    model = PatchCloudNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(4):
        perm = torch.randperm(N_CHIPS)
        running = 0.0
        for i in range(0, N_CHIPS, 8):
            idx = perm[i:i + 8]
            logits = model(chips[idx])
            loss = F.cross_entropy(logits.reshape(-1, 2), targets[idx].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / (N_CHIPS // 8):.4f}")

    with torch.no_grad():
        pred = model(chips).argmax(-1)
        iou_num = ((pred == 1) & (targets == 1)).sum().item()
        iou_den = ((pred == 1) | (targets == 1)).sum().item()
        print("cloud IoU:", iou_num / max(iou_den, 1))


if __name__ == "__main__":
    main()
