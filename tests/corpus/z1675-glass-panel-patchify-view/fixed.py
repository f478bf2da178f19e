"""Cover-glass scratch localisation with a tiny ViT.

Each 64x64 dark-field tile of a display cover glass is cut into 8x8 patches;
the model predicts, per patch, whether a scratch passes through it. Patch
targets are derived from the pixel masks the annotators draw.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)

TILE = 64
PATCH = 8
GRID = TILE // PATCH
WIDTH = 64
SCRATCH_FRACTION = 0.03


def draw_scratch_tiles(n):
    tiles = 0.08 * torch.rand(n, 1, TILE, TILE)
    masks = torch.zeros(n, 1, TILE, TILE)
    for i in range(n):
        if torch.rand(1).item() < 0.3:
            continue
        x0, y0 = torch.randint(0, TILE, (2,)).tolist()
        angle = torch.rand(1).item() * 3.1416
        length = int(torch.randint(20, 60, (1,)))
        t = torch.linspace(0, length, length * 2)
        xs = (x0 + t * torch.cos(torch.tensor(angle))).long().clamp(0, TILE - 1)
        ys = (y0 + t * torch.sin(torch.tensor(angle))).long().clamp(0, TILE - 1)
        tiles[i, 0, ys, xs] = 0.9
        masks[i, 0, ys, xs] = 1.0
    return tiles, masks


def patchify(img, p=PATCH):
    b, c, h, w = img.shape
    cells = img.unfold(2, p, p).unfold(3, p, p)
    cells = cells.permute(0, 2, 3, 1, 4, 5)
    return cells.reshape(b, (h // p) * (w // p), c * p * p)


def patch_targets(masks):
    per_patch = patchify(masks).mean(-1)
    return (per_patch > SCRATCH_FRACTION).float()


def jitter_tiles(tiles, masks):
    if torch.rand(1).item() < 0.5:
        tiles, masks = tiles.flip(-1), masks.flip(-1)
    if torch.rand(1).item() < 0.5:
        tiles, masks = tiles.transpose(-1, -2), masks.transpose(-1, -2)
    tiles = tiles + 0.02 * torch.randn_like(tiles)
    return tiles, masks


class ScratchViT(nn.Module):
    def __init__(self, depth=2, heads=4):
        super().__init__()
        self.embed = nn.Linear(PATCH * PATCH, WIDTH)
        self.pos = nn.Parameter(torch.randn(1, GRID * GRID, WIDTH) * 0.02)
        block = nn.TransformerEncoderLayer(WIDTH, heads, 2 * WIDTH, dropout=0.0,
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(block, depth, enable_nested_tensor=False)
        self.out = nn.Sequential(nn.LayerNorm(WIDTH), nn.Linear(WIDTH, 1))

    def forward(self, tiles):
        tokens = self.embed(patchify(tiles)) + self.pos
        return self.out(self.blocks(tokens)).squeeze(-1)


def patch_iou(logits, target):
    pred = logits > 0
    hit = target.bool()
    inter = (pred & hit).sum().item()
    union = (pred | hit).sum().item()
    return inter / max(union, 1)


def main():
    train_tiles, train_masks = draw_scratch_tiles(64)
    val_tiles, val_masks = draw_scratch_tiles(32)
    val_targets = patch_targets(val_masks)

    model = ScratchViT()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(3):
        model.train()
        perm = torch.randperm(train_tiles.size(0))
        total = 0.0
        for k in range(0, perm.numel(), 16):
            sel = perm[k:k + 16]
            tiles, masks = jitter_tiles(train_tiles[sel], train_masks[sel])
            targets = patch_targets(masks)
            logits = model(tiles)
            pos_w = ((1 - targets).sum() / targets.sum().clamp(min=1)).clamp(max=20.0)
            loss = F.binary_cross_entropy_with_logits(logits, targets, pos_weight=pos_w)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * sel.numel()
        model.eval()
        with torch.no_grad():
            val_logits = model(val_tiles)
            iou = patch_iou(val_logits, val_targets)
        print(f"epoch {epoch}: loss {total / perm.numel():.4f} patch IoU {iou:.3f}")


if __name__ == "__main__":
    main()
