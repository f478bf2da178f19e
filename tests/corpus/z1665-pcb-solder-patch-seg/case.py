# Patch-level defect map for PCB solder joints.
# Every 8x8 patch of a 64x64 AOI tile is tagged background / good joint / bridge / void.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(7)
torch.manual_seed(7)

TILE = 64
PATCH = 8
GRID = TILE // PATCH
DIM = 48
REGION_NAMES = ["background", "joint", "bridge", "void"]


def render_tile():
    """Fake AOI tile (3 channels) and its pixel mask with REGION_NAMES ids."""
    img = rng.normal(0.25, 0.05, size=(3, TILE, TILE)).astype(np.float32)
    mask = np.zeros((TILE, TILE), dtype=np.int64)
    for _ in range(rng.integers(2, 5)):
        r, c = rng.integers(4, TILE - 20, size=2)
        kind = rng.integers(1, len(REGION_NAMES))
        h, w = rng.integers(8, 16, size=2)
        img[:, r:r + h, c:c + w] += 0.5 if kind != 3 else 0.15
        mask[r:r + h, c:c + w] = kind
    return np.clip(img, 0, 1), mask


def mask_to_patch_labels(mask):
    """Majority vote of pixel ids inside each PATCH x PATCH cell -> (GRID*GRID,)"""
    cells = mask.reshape(GRID, PATCH, GRID, PATCH).transpose(0, 2, 1, 3).reshape(GRID * GRID, -1)
    return np.array([np.bincount(c, minlength=len(REGION_NAMES)).argmax() for c in cells])


def build_split(n):
    imgs, labels = [], []
    for _ in range(n):
        img, mask = render_tile()
        if rng.random() < 0.5:                  # horizontal flip augmentation
            img, mask = img[:, :, ::-1].copy(), mask[:, ::-1].copy()
        imgs.append(img)
        labels.append(mask_to_patch_labels(mask))
    return torch.from_numpy(np.stack(imgs)), torch.from_numpy(np.stack(labels))


class PatchTagger(nn.Module):
    def __init__(self, dim, n_regions, depth=2, heads=4):
        super().__init__()
        self.to_tokens = nn.Conv2d(3, dim, PATCH, stride=PATCH)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, GRID * GRID + 1, dim) * 0.02)
        enc = nn.TransformerEncoderLayer(dim, heads, dim * 4, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(enc, depth, enable_nested_tensor=False)
        self.region_head = nn.Linear(dim, n_regions)

    def forward(self, imgs):
        t = self.to_tokens(imgs).flatten(2).transpose(1, 2)
        t = torch.cat([self.cls.expand(len(t), -1, -1), t], dim=1) + self.pos
        t = self.encoder(t)
        return self.region_head(t[:, 1:])      # drop the class token: one row per patch


def patch_loss(region_logits, patch_labels, weights):
    return F.cross_entropy(region_logits, patch_labels, weight=weights)


def class_weights(labels, n):
    counts = torch.bincount(labels.flatten(), minlength=n).float()
    return counts.sum() / (n * counts.clamp(min=1))


def main():
    train_x, train_y = build_split(16)
    val_x, val_y = build_split(4)
    weights = class_weights(train_y, len(REGION_NAMES))
    print("patch label counts:", torch.bincount(train_y.flatten()).tolist())

    model = PatchTagger(DIM, len(REGION_NAMES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch = 8

    for epoch in range(1):
        model.train()
        order = torch.randperm(len(train_x))
        running = 0.0
        for i in range(0, len(order), batch):
            sel = order[i:i + batch]
            region_logits = model(train_x[sel])
            loss = patch_loss(region_logits, train_y[sel], weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()

        model.eval()
        with torch.no_grad():
            val_logits = model(val_x)
            val_loss = patch_loss(val_logits, val_y, weights).item()
            pred = val_logits.argmax(-1)
            per_class = []
            for k in range(len(REGION_NAMES)):
                hit = (pred == k) & (val_y == k)
                per_class.append(hit.sum().item() / max((val_y == k).sum().item(), 1))
        recall = " ".join(f"{n}={r:.2f}" for n, r in zip(REGION_NAMES, per_class))
        print(f"epoch {epoch} train {running / (len(order) // batch):.3f} val {val_loss:.3f} | {recall}")


if __name__ == "__main__":
    main()
