"""Woven-fabric inspection: a small ViT tags each frame with the defects it shows
(multi-label). Training uses patch-aligned random crops; the crop keeps the
position embeddings of where it sat in the full frame."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

FRAME = 64
CROP = 48
PATCH = 8
GRID = FRAME // PATCH
TAGS = ["hole", "stain", "slub", "broken_pick"]


def weave_frames(n):
    yy, xx = torch.meshgrid(torch.arange(FRAME).float(), torch.arange(FRAME).float(), indexing="ij")
    base = 0.5 + 0.2 * torch.sin(xx * math.pi / 2) * torch.sin(yy * math.pi / 2)
    frames = base.repeat(n, 1, 1, 1) + 0.04 * torch.randn(n, 1, FRAME, FRAME)
    tags = (torch.rand(n, len(TAGS)) < 0.3).float()
    for i in range(n):
        cy, cx = torch.randint(16, FRAME - 16, (2,)).tolist()
        if tags[i, 0]:
            frames[i, 0][(yy - cy) ** 2 + (xx - cx) ** 2 < 12] = 0.05
        if tags[i, 1]:
            frames[i, 0] += 0.3 * torch.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 60.0)
        if tags[i, 2]:
            frames[i, 0, cy - 1:cy + 2, 10:54] += 0.25
        if tags[i, 3]:
            frames[i, 0, 10:54, cx] = 0.5
    return frames.clamp(0, 1), tags


def patch_aligned_crop(frames):
    b = frames.shape[0]
    origins = (torch.rand(b, 2) * ((FRAME - CROP) // PATCH + 1)).floor().long() * PATCH
    crops = torch.empty(b, frames.shape[1], CROP, CROP)
    for i in range(b):
        y0, x0 = int(origins[i, 0]), int(origins[i, 1])
        crops[i] = frames[i, :, y0:y0 + CROP, x0:x0 + CROP]
    return crops, origins


class FabricViT(nn.Module):
    def __init__(self, n_tags, dim=64, depth=2, heads=4):
        super().__init__()
        self.to_patches = nn.Conv2d(1, dim, PATCH, stride=PATCH)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1 + GRID * GRID, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, dim * 2, dropout=0.1, batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, n_tags)

    def position_ids(self, origins, gh, gw):
        rows = origins[:, 0:1] // PATCH + torch.arange(gh)
        cols = origins[:, 1:2] // PATCH + torch.arange(gw)
        return (rows[:, :, None] * GRID + cols[:, None, :]).flatten(1)

    def forward(self, x, origins):
        tok = self.to_patches(x)
        gh, gw = tok.shape[-2:]
        tok = tok.flatten(2).transpose(1, 2)
        tok = tok + self.pos[1 + self.position_ids(origins, gh, gw)]
        cls = (self.cls + self.pos[0]).expand(x.shape[0], -1, -1)
        h = self.blocks(torch.cat([cls, tok], dim=1))
        return self.head(self.norm(h[:, 0]))


def center_crop(frames):
    off = (FRAME - CROP) // 2
    origins = torch.full((frames.shape[0], 2), off, dtype=torch.long)
    return frames[:, :, off:off + CROP, off:off + CROP], origins


def main():
    train_x, train_y = weave_frames(64)
    val_x, val_y = weave_frames(48)
    model = FabricViT(len(TAGS))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    bs = 32

    for epoch in range(1):
        model.train()
        order = torch.randperm(train_x.shape[0])
        run = 0.0
        for i in range(0, len(order), bs):
            idx = order[i:i + bs]
            crops, origins = patch_aligned_crop(train_x[idx])
            if torch.rand(1).item() < 0.5:
                crops = crops.flip(-2)
                origins[:, 0] = (FRAME - CROP) - origins[:, 0]
            loss = F.binary_cross_entropy_with_logits(model(crops, origins), train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            run += loss.item() * len(idx)

        model.eval()
        with torch.no_grad():
            crops, origins = center_crop(val_x)
            probs = torch.sigmoid(model(crops, origins))
        pred = probs > 0.5
        per_tag = ((pred == val_y.bool()).float().mean(0)).tolist()
        acc_txt = " ".join(f"{t}={a:.2f}" for t, a in zip(TAGS, per_tag))
        print(f"epoch {epoch} loss {run / len(order):.4f} | val tag acc {acc_txt}")


if __name__ == "__main__":
    main()
