"""Land-cover segmentation of a 6-band multispectral scene with WorldCover labels.

The scene and its label raster are cut into non-overlapping tiles, WorldCover
class codes are converted to training indices and a small encoder-decoder is
trained per pixel.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

# WorldCover classes present in the AOI
CLASS_CODES = [10, 20, 30, 40, 50, 60, 80, 90]
CLASS_NAMES = ["tree", "shrub", "grass", "crop", "built", "bare", "water", "wetland"]
NUM_CLASSES = len(CLASS_CODES)
BANDS = ["B02", "B03", "B04", "B08", "B11", "B12"]
SCENE_SIZE = 256
TILE = 64


def make_scene(size):
    """Blocky synthetic label raster plus band reflectances that depend on the class."""
    coarse = torch.randint(0, NUM_CLASSES, (size // 32, size // 32))
    cls_idx = coarse.repeat_interleave(32, 0).repeat_interleave(32, 1)
    codes = torch.tensor(CLASS_CODES)[cls_idx]
    signature = torch.rand(NUM_CLASSES, len(BANDS)) * 0.4 + 0.05
    image = signature[cls_idx].permute(2, 0, 1)
    image = image + 0.02 * torch.randn_like(image)
    return image.clamp(0, 1), codes.to(torch.uint8)


def cut_tiles(raster, tile):
    """(C, H, W) or (H, W) raster -> (N, C, tile, tile) / (N, tile, tile)."""
    squeeze = raster.dim() == 2
    if squeeze:
        raster = raster.unsqueeze(0)
    c, h, w = raster.shape
    t = raster.reshape(c, h // tile, tile, w // tile, tile).permute(1, 3, 0, 2, 4)
    t = t.reshape(-1, c, tile, tile)
    return t[:, 0] if squeeze else t


def codes_to_index(code_tiles):
    return code_tiles.long() // 10 - 1


def normalize(tiles):
    mean = tiles.mean(dim=(0, 2, 3), keepdim=True)
    std = tiles.std(dim=(0, 2, 3), keepdim=True)
    return (tiles - mean) / (std + 1e-6)


class TinySegNet(nn.Module):
    def __init__(self, in_ch, n_classes):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(in_ch, 16, 3, padding=1), nn.ReLU())
        self.enc2 = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1, stride=2), nn.ReLU())
        self.dec = nn.Sequential(nn.Conv2d(32 + 16, 16, 3, padding=1), nn.ReLU())
        self.out = nn.Conv2d(16, n_classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        up = F.interpolate(e2, size=e1.shape[-2:], mode="nearest")
        return self.out(self.dec(torch.cat([up, e1], dim=1)))


def pixel_iou(pred, target, n_classes):
    ious = []
    for c in range(n_classes):
        inter = ((pred == c) & (target == c)).sum().item()
        union = ((pred == c) | (target == c)).sum().item()
        ious.append(inter / union if union else float("nan"))
    return ious


def main():
    image, worldcover = make_scene(SCENE_SIZE)
    img_tiles = normalize(cut_tiles(image, TILE))
    lbl_tiles = codes_to_index(cut_tiles(worldcover, TILE))
    print("tiles:", tuple(img_tiles.shape), tuple(lbl_tiles.shape))

    n = img_tiles.shape[0]
    perm = torch.randperm(n)
    train_idx, val_idx = perm[: int(0.75 * n)], perm[int(0.75 * n):]

    model = TinySegNet(len(BANDS), NUM_CLASSES)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(1):
        model.train()
        shuffled = train_idx[torch.randperm(len(train_idx))]
        running = 0.0
        for b in range(0, len(shuffled), 8):
            idx = shuffled[b:b + 8]
            logits = model(img_tiles[idx])
            loss = criterion(logits, lbl_tiles[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        print(f"epoch {epoch}: train loss {running / len(train_idx):.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(img_tiles[val_idx]).argmax(dim=1)
    ious = pixel_iou(pred, lbl_tiles[val_idx], NUM_CLASSES)
    for name, iou in zip(CLASS_NAMES, ious):
        print(f"  {name:>8s} IoU {iou:.3f}")


if __name__ == "__main__":
    main()
