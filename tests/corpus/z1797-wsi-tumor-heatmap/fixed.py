"""Patch-level tumour classifier for H&E slides, then a per-slide probability heatmap.

Slides are tiled on a regular grid; background tiles (mostly white glass) are dropped
by a saturation threshold before they reach the network.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

TILE = 16
SLIDE_HW = 128
rng = np.random.default_rng(11)


def synth_slide():
    """RGB slide in [0,1]: white glass, a pink tissue ellipse, a darker tumour nest inside."""
    yy, xx = np.mgrid[0:SLIDE_HW, 0:SLIDE_HW]
    cy, cx = rng.integers(50, 78, size=2)
    tissue = ((yy - cy) / 48.0) ** 2 + ((xx - cx) / 40.0) ** 2 < 1.0
    ty, tx = cy + rng.integers(-15, 15), cx + rng.integers(-15, 15)
    tumour = ((yy - ty) ** 2 + (xx - tx) ** 2 < 18 ** 2) & tissue
    img = np.ones((SLIDE_HW, SLIDE_HW, 3), dtype=np.float32) * 0.95
    img[tissue] = [0.85, 0.55, 0.75]
    img[tumour] = [0.45, 0.25, 0.60]
    img += rng.normal(0, 0.03, img.shape).astype(np.float32)
    return np.clip(img, 0, 1), tumour


def tile_slide(img, tumour_mask, min_tissue=0.4):
    """Return all grid positions plus the tiles/labels/positions of tissue tiles only."""
    grid_coords, tiles, labels, tissue_coords = [], [], [], []
    for r in range(SLIDE_HW // TILE):
        for c in range(SLIDE_HW // TILE):
            grid_coords.append((r, c))
            tile = img[r * TILE:(r + 1) * TILE, c * TILE:(c + 1) * TILE]
            sat = tile.max(-1) - tile.min(-1)
            if (sat > 0.15).mean() < min_tissue:
                continue
            tiles.append(tile.transpose(2, 0, 1))
            frac = tumour_mask[r * TILE:(r + 1) * TILE, c * TILE:(c + 1) * TILE].mean()
            labels.append(1.0 if frac > 0.3 else 0.0)
            tissue_coords.append((r, c))
    return grid_coords, np.stack(tiles), np.array(labels, dtype=np.float32), tissue_coords


class TileSet(Dataset):
    def __init__(self, tiles, labels):
        self.tiles, self.labels = tiles, labels

    def __len__(self):
        return len(self.tiles)

    def __getitem__(self, i):
        x = torch.from_numpy(self.tiles[i].copy())
        if torch.rand(()) < 0.5:
            x = x.flip(-1)
        return x, torch.tensor(self.labels[i])


class TileNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.relu(self.c2(x))
        return self.fc(x.mean((2, 3))).squeeze(-1)


def build_heatmap(model, img, tumour_mask):
    grid_coords, tiles, _, tissue_coords = tile_slide(img, tumour_mask)
    model.eval()
    with torch.no_grad():
        patch_probs = torch.sigmoid(model(torch.from_numpy(tiles)))
    n = SLIDE_HW // TILE
    heat = torch.zeros(n, n)
    for i, (r, c) in enumerate(tissue_coords):
        heat[r, c] = patch_probs[i]
    return heat


def main():
    torch.manual_seed(0)
    slides = {f"case_{k:02d}": synth_slide() for k in range(6)}
    train_ids, val_ids = list(slides)[:5], list(slides)[5:]

    all_tiles, all_labels = [], []
    for sid in train_ids:
        _, t, y, _ = tile_slide(*slides[sid])
        all_tiles.append(t)
        all_labels.append(y)
    ds = TileSet(np.concatenate(all_tiles), np.concatenate(all_labels))
    print(f"{len(ds)} tissue tiles from {len(train_ids)} slides, "
          f"{int(ds.labels.sum())} tumour")
    dl = DataLoader(ds, batch_size=32, shuffle=True)

    model = TileNet()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    pos_weight = torch.tensor((len(ds) - ds.labels.sum()) / max(ds.labels.sum(), 1.0))
    for epoch in range(1):
        model.train()
        tot = 0.0
        for x, y in dl:
            loss = F.binary_cross_entropy_with_logits(model(x), y, pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(x)
        print(f"epoch {epoch} loss {tot / len(ds):.4f}")

    for sid in val_ids:
        img, tumour = slides[sid]
        heat = build_heatmap(model, img, tumour)
        print(sid, "max tumour prob", round(heat.max().item(), 3),
              "tiles > 0.5:", int((heat > 0.5).sum()))


if __name__ == "__main__":
    main()
