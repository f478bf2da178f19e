"""Dermoscopy lesion segmentation + diagnosis, small multi-task U-Net.

Synthetic dermoscopy tiles: a darker elliptical lesion on skin-toned background.
Per-patient split so that images of the same patient never cross train/val.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
rng = np.random.default_rng(0)

DX_CLASSES = ["nevus", "melanoma", "seb_keratosis"]
IMG = 64
N_PATIENTS = 12
IMGS_PER_PATIENT = 2


def make_tile(dx):
    yy, xx = np.mgrid[:IMG, :IMG]
    cy, cx = rng.uniform(20, 44, size=2)
    ry, rx = rng.uniform(6, 16, size=2)
    lesion = (((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2) <= 1.0
    skin = np.stack([np.full((IMG, IMG), v) for v in (0.85, 0.65, 0.55)])
    skin += rng.normal(0, 0.03, skin.shape)
    darkness = [0.35, 0.6, 0.45][dx]
    skin[:, lesion] -= darkness
    return skin.astype(np.float32), lesion.astype(np.float32)


records = []
for pid in range(N_PATIENTS):
    for _ in range(IMGS_PER_PATIENT):
        dx = int(rng.integers(0, len(DX_CLASSES)))
        img, msk = make_tile(dx)
        records.append({"patient": pid, "image": img, "mask": msk, "dx": dx})

patients = rng.permutation(N_PATIENTS)
val_patients = set(patients[:3].tolist())
train_recs = [r for r in records if r["patient"] not in val_patients]
val_recs = [r for r in records if r["patient"] in val_patients]


class DermoscopyTiles(Dataset):
    def __init__(self, recs, flip=False):
        self.recs = recs
        self.flip = flip

    def __len__(self):
        return len(self.recs)

    def __getitem__(self, i):
        r = self.recs[i]
        img = torch.from_numpy(r["image"])
        msk = torch.from_numpy(r["mask"])[None]
        if self.flip and torch.rand(1).item() < 0.5:
            img, msk = img.flip(-1), msk.flip(-1)
        return img, msk, torch.tensor(r["dx"])


def conv_block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class LesionNet(nn.Module):
    def __init__(self, in_ch=3, base=8, depth=3, n_dx=3):
        super().__init__()
        widths = [base * 2 ** i for i in range(depth)]
        self.down = nn.ModuleList()
        prev = in_ch
        for w in widths:
            self.down.append(conv_block(prev, w))
            prev = w
        self.bottleneck = conv_block(widths[-1], widths[-1] * 2)
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        prev = widths[-1] * 2
        for w in reversed(widths):
            self.up.append(nn.ConvTranspose2d(prev, w, 2, stride=2))
            self.dec.append(conv_block(w * 2, w))
            prev = w
        self.seg_out = nn.Conv2d(widths[0], 1, 1)
        self.cls_head = nn.Sequential(nn.Dropout(0.2), nn.Linear(widths[-1], n_dx))

    def forward(self, x):
        skips = []
        for blk in self.down:
            x = blk(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottleneck(x)
        pooled = F.adaptive_avg_pool2d(x, 1).flatten(1)
        dx_logits = self.cls_head(pooled)
        for up, dec, skip in zip(self.up, self.dec, reversed(skips)):
            x = up(x)
            x = dec(torch.cat([x, skip], dim=1))
        return self.seg_out(x), dx_logits


def dice_loss(logits, target, eps=1.0):
    p = torch.sigmoid(logits)
    inter = (p * target).sum(dim=(1, 2, 3))
    denom = p.sum(dim=(1, 2, 3)) + target.sum(dim=(1, 2, 3))
    return (1 - (2 * inter + eps) / (denom + eps)).mean()


train_dl = DataLoader(DermoscopyTiles(train_recs, flip=True), batch_size=6, shuffle=True)
val_dl = DataLoader(DermoscopyTiles(val_recs), batch_size=6)

model = LesionNet(n_dx=len(DX_CLASSES))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(1):
    model.train()
    running = 0.0
    for img, msk, dx in train_dl:
        seg_logits, dx_logits = model(img)
        loss = dice_loss(seg_logits, msk) + F.binary_cross_entropy_with_logits(seg_logits, msk) \
            + 0.5 * F.cross_entropy(dx_logits, dx)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item() * img.size(0)
    model.eval()
    dices, correct, total = [], 0, 0
    with torch.no_grad():
        for img, msk, dx in val_dl:
            seg_logits, dx_logits = model(img)
            dices.append(1 - dice_loss(seg_logits, msk).item())
            correct += (dx_logits.argmax(1) == dx).sum().item()
            total += dx.numel()
    print(f"epoch {epoch}: train loss {running / len(train_recs):.4f} "
          f"val dice {np.mean(dices):.3f} val dx acc {correct / total:.3f}")
