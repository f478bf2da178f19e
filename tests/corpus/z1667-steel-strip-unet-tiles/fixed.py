"""Scratch segmentation on cold-rolled steel strip.

The line camera delivers strips of STRIP_H x SCAN_WIDTH pixels; each strip is cut into
TILES_PER_ROW square tiles and a small U-Net predicts a per-pixel scratch mask.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SCAN_WIDTH = 600
TILES_PER_ROW = 4
TILE = SCAN_WIDTH // TILES_PER_ROW
STRIP_H = TILE

gen = np.random.default_rng(11)
torch.manual_seed(11)


def make_strip():
    strip = gen.normal(0.55, 0.04, size=(STRIP_H, SCAN_WIDTH)).astype(np.float32)
    scratch = np.zeros_like(strip, dtype=np.float32)
    for _ in range(gen.integers(1, 4)):
        row = gen.integers(10, STRIP_H - 10)
        x0 = gen.integers(0, SCAN_WIDTH - 200)
        length = gen.integers(60, 200)
        slope = gen.uniform(-0.05, 0.05)
        xs = np.arange(x0, x0 + length)
        ys = np.clip((row + slope * (xs - x0)).astype(int), 0, STRIP_H - 2)
        strip[ys, xs] -= 0.3
        strip[ys + 1, xs] -= 0.2
        scratch[ys, xs] = 1.0
        scratch[ys + 1, xs] = 1.0
    return strip, scratch


def strip_to_tiles(strip, scratch):
    imgs = [strip[:, k * TILE:(k + 1) * TILE] for k in range(TILES_PER_ROW)]
    masks = [scratch[:, k * TILE:(k + 1) * TILE] for k in range(TILES_PER_ROW)]
    return np.stack(imgs)[:, None], np.stack(masks)[:, None]


def load_tiles(n_strips):
    imgs, masks = zip(*(strip_to_tiles(*make_strip()) for _ in range(n_strips)))
    return torch.from_numpy(np.concatenate(imgs)), torch.from_numpy(np.concatenate(masks))


def double_conv(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class UpBlock(nn.Module):
    def __init__(self, cin, cskip, cout):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, cin // 2, kernel_size=2, stride=2)
        self.conv = double_conv(cin // 2 + cskip, cout)

    def forward(self, x, skip):
        x = self.up(x, output_size=skip.shape[-2:])
        return self.conv(torch.cat([skip, x], dim=1))


class ScratchUNet(nn.Module):
    def __init__(self, base=8):
        super().__init__()
        self.enc1 = double_conv(1, base)
        self.enc2 = double_conv(base, base * 2)
        self.bottleneck = double_conv(base * 2, base * 4)
        self.dec2 = UpBlock(base * 4, base * 2, base * 2)
        self.dec1 = UpBlock(base * 2, base, base)
        self.out = nn.Conv2d(base, 1, 1)

    def forward(self, x):
        s1 = self.enc1(x)
        s2 = self.enc2(F.max_pool2d(s1, 2))
        b = self.bottleneck(F.max_pool2d(s2, 2))
        d2 = self.dec2(b, s2)
        d1 = self.dec1(d2, s1)
        return self.out(d1)


def dice(logits, target, eps=1.0):
    pred = (torch.sigmoid(logits) > 0.5).float()
    inter = (pred * target).sum()
    return ((2 * inter + eps) / (pred.sum() + target.sum() + eps)).item()


def main():
    train_x, train_y = load_tiles(4)
    val_x, val_y = load_tiles(2)
    print("train tiles", tuple(train_x.shape), "val tiles", tuple(val_x.shape))

    model = ScratchUNet()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    pos_frac = train_y.mean().item()
    pos_weight = torch.tensor([(1 - pos_frac) / max(pos_frac, 1e-4)]).clamp(max=50.0)

    for epoch in range(2):
        model.train()
        perm = torch.randperm(len(train_x))
        for i in range(0, len(perm), 4):
            idx = perm[i:i + 4]
            x, y = train_x[idx], train_y[idx]
            if torch.rand(1).item() < 0.5:
                x, y = x.flip(-1), y.flip(-1)
            logits = model(x)
            loss = F.binary_cross_entropy_with_logits(logits, y, pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()

        model.eval()
        with torch.no_grad():
            val_logits = model(val_x)
        print(f"epoch {epoch} loss {loss.item():.4f} val dice {dice(val_logits, val_y):.3f}")


if __name__ == "__main__":
    main()
