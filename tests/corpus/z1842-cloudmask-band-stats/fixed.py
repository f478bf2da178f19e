"""Cloud / cloud-shadow masking on Sentinel-2 L1C tiles with a tiny U-Net.

A synthetic granule is generated with all 13 spectral bands, bright cloud
blobs and darker shadows offset from them. Tiles are cut from the granule,
standardised with per-band statistics from the training tiles, and a
three-class mask (clear / cloud / shadow) is learned.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
rng = np.random.default_rng(3)

S2_BANDS = ("B01", "B02", "B03", "B04", "B05", "B06", "B07",
            "B08", "B8A", "B09", "B10", "B11", "B12")
MASK_CLASSES = ("clear", "cloud", "shadow")
TILE_PX = 64
GRANULE_PX = 384


def synth_granule():
    toa = rng.uniform(0.03, 0.25, size=(len(S2_BANDS), GRANULE_PX, GRANULE_PX))
    mask = np.zeros((GRANULE_PX, GRANULE_PX), dtype=np.int64)
    yy, xx = np.mgrid[:GRANULE_PX, :GRANULE_PX]
    for _ in range(14):
        cy, cx = rng.integers(20, GRANULE_PX - 40, size=2)
        rad = rng.integers(8, 24)
        blob = (yy - cy) ** 2 + (xx - cx) ** 2 < rad ** 2
        shadow = (yy - cy - 14) ** 2 + (xx - cx - 10) ** 2 < rad ** 2
        mask[shadow & (mask == 0)] = 2
        mask[blob] = 1
    toa[:, mask == 1] += 0.55
    toa[:, mask == 2] *= 0.35
    toa = toa * 10000.0
    return toa.astype(np.float32), mask


def tiles_from_granule(toa, mask):
    xs, ys = [], []
    for r in range(0, GRANULE_PX, TILE_PX):
        for c in range(0, GRANULE_PX, TILE_PX):
            xs.append(toa[:, r:r + TILE_PX, c:c + TILE_PX])
            ys.append(mask[r:r + TILE_PX, c:c + TILE_PX])
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def band_statistics(train_tiles):
    mean = train_tiles.mean(dim=(0, 2, 3))
    std = train_tiles.std(dim=(0, 2, 3))
    return mean, std


def standardise(batch, stats):
    mean, std = stats
    return (batch - mean[:, None, None]) / (std[:, None, None] + 1e-6)


def conv_block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class TinyUNet(nn.Module):
    def __init__(self, n_bands, n_classes, width=16):
        super().__init__()
        self.enc1 = conv_block(n_bands, width)
        self.enc2 = conv_block(width, width * 2)
        self.bottom = conv_block(width * 2, width * 4)
        self.up2 = nn.ConvTranspose2d(width * 4, width * 2, 2, stride=2)
        self.dec2 = conv_block(width * 4, width * 2)
        self.up1 = nn.ConvTranspose2d(width * 2, width, 2, stride=2)
        self.dec1 = conv_block(width * 2, width)
        self.head = nn.Conv2d(width, n_classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        b = self.bottom(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], dim=1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(d1)


def main():
    toa, mask = synth_granule()
    tiles, tile_masks = tiles_from_granule(toa, mask)
    order = torch.randperm(tiles.size(0))
    tiles, tile_masks = tiles[order], tile_masks[order]
    n_train = int(0.75 * tiles.size(0))
    train_x, val_x = tiles[:n_train], tiles[n_train:]
    train_y, val_y = tile_masks[:n_train], tile_masks[n_train:]
    stats = band_statistics(train_x)
    print(f"train tiles {tuple(train_x.shape)}, val tiles {tuple(val_x.shape)}")
    print("band means (DN):", [round(v) for v in stats[0].tolist()[:4]], "...")

    model = TinyUNet(len(S2_BANDS), len(MASK_CLASSES))
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)
    class_weight = torch.tensor([0.5, 1.0, 2.0])

    for epoch in range(2):
        model.train()
        perm = torch.randperm(n_train)
        for start in range(0, n_train, 9):
            idx = perm[start:start + 9]
            logits = model(standardise(train_x[idx], stats))
            loss = F.cross_entropy(logits, train_y[idx], weight=class_weight)
            optim.zero_grad()
            loss.backward()
            optim.step()
        model.eval()
        with torch.no_grad():
            pred = model(standardise(val_x, stats)).argmax(1)
        ious = []
        for k in range(1, len(MASK_CLASSES)):
            inter = ((pred == k) & (val_y == k)).sum().item()
            union = ((pred == k) | (val_y == k)).sum().item()
            ious.append(inter / union if union else float("nan"))
        print(f"epoch {epoch}: loss={loss.item():.3f} IoU cloud={ious[0]:.2f} shadow={ious[1]:.2f}")


if __name__ == "__main__":
    main()
