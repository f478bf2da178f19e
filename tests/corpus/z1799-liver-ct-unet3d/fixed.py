"""3D U-Net for liver + lesion segmentation on abdominal CT, trained on random patches.

Patch extent is specified in millimetres and converted to voxels using the
(resampled) voxel spacing, so the same config works if the spacing changes.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

SPACING_MM = (5.0, 2.0, 2.0)          # z, y, x after resampling
PATCH_MM = (100.0, 96.0, 96.0)
VOL_SHAPE = (40, 80, 80)
N_CLASSES = 3                          # background, liver, lesion
rng = np.random.default_rng(21)


def fake_abdomen():
    zz, yy, xx = np.mgrid[0:VOL_SHAPE[0], 0:VOL_SHAPE[1], 0:VOL_SHAPE[2]].astype(np.float32)
    c = np.array(VOL_SHAPE) / 2 + rng.normal(0, 3, 3)
    liver = ((zz - c[0]) / 14) ** 2 + ((yy - c[1]) / 22) ** 2 + ((xx - c[2]) / 26) ** 2 < 1
    lc = c + rng.normal(0, 5, 3)
    lesion = (((zz - lc[0]) / 4) ** 2 + ((yy - lc[1]) / 6) ** 2 + ((xx - lc[2]) / 6) ** 2 < 1) & liver
    hu = rng.normal(-50, 30, VOL_SHAPE).astype(np.float32)
    hu[liver] += 110
    hu[lesion] -= 60
    seg = np.zeros(VOL_SHAPE, dtype=np.int64)
    seg[liver] = 1
    seg[lesion] = 2
    return hu, seg


class PatchSampler(Dataset):
    def __init__(self, cases, patch_vox, samples_per_case=4):
        self.cases, self.patch_vox, self.spc = cases, patch_vox, samples_per_case

    def __len__(self):
        return len(self.cases) * self.spc

    def __getitem__(self, i):
        hu, seg = self.cases[i // self.spc]
        fg = np.argwhere(seg > 0)
        centre = fg[rng.integers(len(fg))] if rng.random() < 0.7 else \
            np.array([rng.integers(s) for s in VOL_SHAPE])
        lo = [int(np.clip(ct - p // 2, 0, s - p)) for ct, p, s in zip(centre, self.patch_vox, VOL_SHAPE)]
        sl = tuple(slice(a, a + p) for a, p in zip(lo, self.patch_vox))
        img = np.clip((hu[sl] + 100) / 300, 0, 1)
        return torch.from_numpy(img[None].copy()), torch.from_numpy(seg[sl].copy())


def conv_block(cin, cout):
    return nn.Sequential(nn.Conv3d(cin, cout, 3, padding=1), nn.InstanceNorm3d(cout), nn.LeakyReLU(0.01),
                         nn.Conv3d(cout, cout, 3, padding=1), nn.InstanceNorm3d(cout), nn.LeakyReLU(0.01))


class UNet3D(nn.Module):
    def __init__(self, n_classes, widths=(4, 8, 16, 24)):
        super().__init__()
        self.downs = nn.ModuleList()
        cin = 1
        for w in widths:
            self.downs.append(conv_block(cin, w))
            cin = w
        self.ups = nn.ModuleList()
        self.dec = nn.ModuleList()
        for w_skip, w_deep in zip(widths[-2::-1], widths[:0:-1]):
            self.ups.append(nn.ConvTranspose3d(w_deep, w_skip, 2, stride=2))
            self.dec.append(conv_block(2 * w_skip, w_skip))
        self.out = nn.Conv3d(widths[0], n_classes, 1)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.downs):
            x = block(x)
            if i < len(self.downs) - 1:
                skips.append(x)
                x = F.max_pool3d(x, 2)
        for up, dec, skip in zip(self.ups, self.dec, reversed(skips)):
            x = dec(torch.cat([up(x), skip], dim=1))
        return self.out(x)


def soft_dice_loss(logits, target, eps=1e-5):
    probs = logits.softmax(1)
    onehot = F.one_hot(target, N_CLASSES).permute(0, 4, 1, 2, 3).float()
    inter = (probs * onehot).sum((2, 3, 4))
    denom = probs.sum((2, 3, 4)) + onehot.sum((2, 3, 4))
    return 1 - ((2 * inter + eps) / (denom + eps))[:, 1:].mean()


def main():
    torch.manual_seed(0)
    patients = {f"LIV-{k:03d}": fake_abdomen() for k in range(5)}
    ids = list(patients)
    train_ids, val_ids = ids[:4], ids[4:]

    div = 2 ** 3  # three max-pool levels in UNet3D
    patch_vox = tuple(div * int(np.ceil(mm / sp / div)) for mm, sp in zip(PATCH_MM, SPACING_MM))
    print("patch size (voxels):", patch_vox)
    train_dl = DataLoader(PatchSampler([patients[i] for i in train_ids], patch_vox), batch_size=2, shuffle=True)

    model = UNet3D(N_CLASSES)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(2):
        model.train()
        for img, seg in train_dl:
            logits = model(img)
            loss = F.cross_entropy(logits, seg) + soft_dice_loss(logits, seg)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        for pid in val_ids:
            hu, seg = patients[pid]
            vol = torch.from_numpy(np.clip((hu + 100) / 300, 0, 1))[None, None]
            pred = model(vol).argmax(1)[0].numpy()
            for k, name in ((1, "liver"), (2, "lesion")):
                a, b = pred == k, seg == k
                print(pid, name, "dice", round(2 * (a & b).sum() / max(a.sum() + b.sum(), 1), 3))


if __name__ == "__main__":
    main()
