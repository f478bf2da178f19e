"""Glioma sub-region segmentation on multi-modal brain MRI with a small 3D U-Net.

Synthetic subjects: T1c + FLAIR volumes with an edema shell around an enhancing core.
Random patches are sampled for training; validation uses the centre patch.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(2)
rng = np.random.default_rng(2)

VOL_SHAPE = (28, 48, 48)       # axial slices, rows, cols
PATCH = (20, 32, 32)
N_SUBJECTS = 10
LABELS = {0: "background", 1: "edema", 2: "enhancing"}


def synth_subject():
    d, h, w = VOL_SHAPE
    zz, yy, xx = np.mgrid[:d, :h, :w]
    c = np.array([rng.uniform(10, 18), rng.uniform(16, 32), rng.uniform(16, 32)])
    r = np.sqrt(((zz - c[0]) * 2.0) ** 2 + (yy - c[1]) ** 2 + (xx - c[2]) ** 2)
    core_r = rng.uniform(4, 7)
    seg = np.zeros(VOL_SHAPE, dtype=np.int64)
    seg[r < core_r + rng.uniform(4, 8)] = 1
    seg[r < core_r] = 2
    t1c = rng.normal(0.3, 0.05, VOL_SHAPE) + 0.6 * (seg == 2)
    flair = rng.normal(0.3, 0.05, VOL_SHAPE) + 0.5 * (seg >= 1)
    img = np.stack([t1c, flair]).astype(np.float32)
    img = (img - img.mean(axis=(1, 2, 3), keepdims=True)) / img.std(axis=(1, 2, 3), keepdims=True)
    return img, seg


subjects = [dict(zip(("image", "seg"), synth_subject()), sid=f"BRATS_{i:03d}") for i in range(N_SUBJECTS)]
split = rng.permutation(N_SUBJECTS)
train_subj = [subjects[i] for i in split[:8]]
val_subj = [subjects[i] for i in split[8:]]


class PatchSampler(Dataset):
    def __init__(self, subjects, patch, samples_per_subject=2, random=True):
        self.subjects = subjects
        self.patch = patch
        self.k = samples_per_subject
        self.random = random

    def __len__(self):
        return len(self.subjects) * self.k

    def __getitem__(self, idx):
        s = self.subjects[idx // self.k]
        starts = []
        for full, p in zip(VOL_SHAPE, self.patch):
            starts.append(int(rng.integers(0, full - p + 1)) if self.random else (full - p) // 2)
        sl = tuple(slice(a, a + p) for a, p in zip(starts, self.patch))
        img = torch.from_numpy(s["image"][(slice(None),) + sl].copy())
        seg = torch.from_numpy(s["seg"][sl].copy())
        return img, seg


def double_conv(cin, cout):
    return nn.Sequential(
        nn.Conv3d(cin, cout, 3, padding=1), nn.InstanceNorm3d(cout), nn.LeakyReLU(0.01),
        nn.Conv3d(cout, cout, 3, padding=1), nn.InstanceNorm3d(cout), nn.LeakyReLU(0.01),
    )


class UNet3D(nn.Module):
    def __init__(self, in_ch=2, n_classes=3, feats=(8, 16, 32, 64)):
        super().__init__()
        self.enc = nn.ModuleList()
        c = in_ch
        for f in feats:
            self.enc.append(double_conv(c, f))
            c = f
        self.ups = nn.ModuleList()
        self.dec = nn.ModuleList()
        for f_hi, f_lo in zip(feats[::-1][:-1], feats[::-1][1:]):
            self.ups.append(nn.ConvTranspose3d(f_hi, f_lo, kernel_size=2, stride=2))
            self.dec.append(double_conv(2 * f_lo, f_lo))
        self.head = nn.Conv3d(feats[0], n_classes, 1)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.enc):
            x = block(x)
            if i < len(self.enc) - 1:
                skips.append(x)
                x = F.max_pool3d(x, 2)
        for up, dec, skip in zip(self.ups, self.dec, skips[::-1]):
            x = up(x)
            x = dec(torch.cat([skip, x], dim=1))
        return self.head(x)


def soft_dice(logits, target, n_classes=3, eps=1e-5):
    probs = logits.softmax(1)
    onehot = F.one_hot(target, n_classes).permute(0, 4, 1, 2, 3).float()
    dims = (0, 2, 3, 4)
    inter = (probs * onehot).sum(dims)
    union = probs.sum(dims) + onehot.sum(dims)
    return ((2 * inter + eps) / (union + eps))[1:]


train_dl = DataLoader(PatchSampler(train_subj, PATCH), batch_size=2, shuffle=True)
val_dl = DataLoader(PatchSampler(val_subj, PATCH, samples_per_subject=1, random=False), batch_size=2)

net = UNet3D()
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
class_w = torch.tensor([0.2, 1.0, 1.5])

for epoch in range(2):
    net.train()
    for img, seg in train_dl:
        out = net(img)
        loss = F.cross_entropy(out, seg, weight=class_w) + (1 - soft_dice(out, seg).mean())
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        dsc = torch.stack([soft_dice(net(img), seg) for img, seg in val_dl]).mean(0)
    print(f"epoch {epoch}: loss {loss.item():.3f}  dice edema {dsc[0]:.3f}  enhancing {dsc[1]:.3f}")
