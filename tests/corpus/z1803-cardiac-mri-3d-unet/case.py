"""3D U-Net for left-ventricle blood pool + myocardium segmentation on short-axis cardiac MRI.
Random physical-size patches from resampled volumes, split by subject."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
rng = np.random.default_rng(21)

SPACING_MM = (2.5, 1.25, 1.25)        # target (slice, row, col) spacing after resampling
PATCH_MM = (75.0, 40.0, 40.0)          # physical field of view of a training patch
VOL_SHAPE = (40, 48, 48)
N_CLASSES = 3                          # background, LV blood pool, myocardium

patch_vox = tuple(int(round(mm / sp)) for mm, sp in zip(PATCH_MM, SPACING_MM))
print("patch size (voxels):", patch_vox)


def synth_subject():
    d, h, w = VOL_SHAPE
    img = rng.normal(0.2, 0.05, size=VOL_SHAPE).astype(np.float32)
    lab = np.zeros(VOL_SHAPE, dtype=np.int64)
    zz, yy, xx = np.mgrid[:d, :h, :w]
    cy, cx = rng.uniform(20, 28, size=2)
    r_in = rng.uniform(5, 7)
    taper = np.clip(1.0 - np.abs(zz - d / 2) / (d / 2), 0.2, 1.0)
    rad = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2) / taper
    pool = rad <= r_in
    myo = (rad > r_in) & (rad <= r_in + 3)
    img[pool] += 0.6
    img[myo] += 0.25
    lab[pool] = 1
    lab[myo] = 2
    return img, lab


class RandomPatchDataset(Dataset):
    def __init__(self, subjects, patch, n_per_subject=4):
        self.subjects = subjects
        self.patch = patch
        self.n = n_per_subject

    def __len__(self):
        return len(self.subjects) * self.n

    def __getitem__(self, i):
        img, lab = self.subjects[i // self.n]
        start = [int(rng.integers(0, s - p + 1)) for s, p in zip(img.shape, self.patch)]
        sl = tuple(slice(s, s + p) for s, p in zip(start, self.patch))
        x = img[sl]
        x = (x - x.mean()) / (x.std() + 1e-6)
        return torch.from_numpy(np.ascontiguousarray(x))[None], torch.from_numpy(np.ascontiguousarray(lab[sl]))


def double_conv(cin, cout):
    return nn.Sequential(
        nn.Conv3d(cin, cout, 3, padding=1), nn.InstanceNorm3d(cout, affine=True), nn.LeakyReLU(0.01),
        nn.Conv3d(cout, cout, 3, padding=1), nn.InstanceNorm3d(cout, affine=True), nn.LeakyReLU(0.01),
    )


class UNet3D(nn.Module):
    def __init__(self, n_classes, base=6):
        super().__init__()
        self.enc1 = double_conv(1, base)
        self.enc2 = double_conv(base, base * 2)
        self.bottleneck = double_conv(base * 2, base * 4)
        self.up2 = nn.ConvTranspose3d(base * 4, base * 2, 2, stride=2)
        self.dec2 = double_conv(base * 4, base * 2)
        self.up1 = nn.ConvTranspose3d(base * 2, base, 2, stride=2)
        self.dec1 = double_conv(base * 2, base)
        self.head = nn.Conv3d(base, n_classes, 1)

    def forward(self, x):
        s1 = self.enc1(x)
        s2 = self.enc2(F.max_pool3d(s1, 2))
        z = self.bottleneck(F.max_pool3d(s2, 2))
        y = self.dec2(torch.cat([self.up2(z), s2], dim=1))
        y = self.dec1(torch.cat([self.up1(y), s1], dim=1))
        return self.head(y)


def soft_dice_loss(logits, target, eps=1e-5):
    prob = logits.softmax(1)
    onehot = F.one_hot(target, logits.shape[1]).permute(0, 4, 1, 2, 3).float()
    dims = (0, 2, 3, 4)
    inter = (prob * onehot).sum(dims)
    denom = prob.sum(dims) + onehot.sum(dims)
    return 1.0 - ((2 * inter + eps) / (denom + eps))[1:].mean()


subjects = [synth_subject() for _ in range(8)]
train_subj, val_subj = subjects[:6], subjects[6:]
train_dl = DataLoader(RandomPatchDataset(train_subj, patch_vox), batch_size=2, shuffle=True)
val_dl = DataLoader(RandomPatchDataset(val_subj, patch_vox, n_per_subject=2), batch_size=2)

net = UNet3D(N_CLASSES)
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
ce = nn.CrossEntropyLoss()

for epoch in range(2):
    net.train()
    for vol, seg in train_dl:
        opt.zero_grad()
        logits = net(vol)
        loss = ce(logits, seg) + soft_dice_loss(logits, seg)
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        val_loss = np.mean([soft_dice_loss(net(v), s).item() for v, s in val_dl])
    print(f"epoch {epoch}: train loss {loss.item():.4f}  val dice loss {val_loss:.4f}")
