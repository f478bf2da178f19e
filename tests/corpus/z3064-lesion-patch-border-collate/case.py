import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

SEED = 7
VOL_SHAPE = (40, 48, 48)
PATCH = (16, 24, 24)
N_CASES = 6
N_CLASSES = 3
BATCH = 4


def set_seed(s):
    np.random.seed(s)
    torch.manual_seed(s)


def make_ct_volume(rng, shape):
    vol = rng.normal(40.0, 25.0, size=shape).astype(np.float32)
    vol[:, :4, :] = -1000.0
    return vol


def add_lesion(vol, lab, rng, cls_id):
    z = rng.integers(2, vol.shape[0] - 2)
    y = rng.integers(2, vol.shape[1] - 2)
    x = rng.integers(2, vol.shape[2] - 2)
    r = rng.integers(3, 6)
    zz, yy, xx = np.ogrid[:vol.shape[0], :vol.shape[1], :vol.shape[2]]
    ball = (zz - z) ** 2 + (yy - y) ** 2 + (xx - x) ** 2 <= r ** 2
    vol[ball] += 60.0 + 20.0 * cls_id
    lab[ball] = cls_id
    return (int(z), int(y), int(x))


def window_hu(vol, level=40.0, width=400.0):
    lo, hi = level - width / 2, level + width / 2
    v = np.clip(vol, lo, hi)
    return (v - lo) / (hi - lo)


def build_cohort(n, rng):
    cohort = []
    for i in range(n):
        vol = make_ct_volume(rng, VOL_SHAPE)
        lab = np.zeros(VOL_SHAPE, dtype=np.int64)
        centres = [add_lesion(vol, lab, rng, c) for c in (1, 2)]
        cohort.append({"pid": f"case{i:03d}", "image": window_hu(vol), "label": lab, "centres": centres})
    return cohort


def crop_around(arr, centre, size):
    sl = []
    for c, s, dim in zip(centre, size, arr.shape):
        start = max(c - s // 2, 0)
        stop = min(start + s, dim)
        sl.append(slice(start, stop))
    return arr[tuple(sl)]


class LesionPatchDataset(Dataset):
    def __init__(self, cohort, patch_size, jitter=3, seed=0):
        self.items = [(c, ctr) for c in cohort for ctr in c["centres"]]
        self.patch_size = patch_size
        self.jitter = jitter
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        case, centre = self.items[idx]
        j = self.rng.integers(-self.jitter, self.jitter + 1, size=3)
        ctr = tuple(int(a + b) for a, b in zip(centre, j))
        img = crop_around(case["image"], ctr, self.patch_size)
        lab = crop_around(case["label"], ctr, self.patch_size)
        return {
            "image": torch.from_numpy(np.ascontiguousarray(img))[None].float(),
            "label": torch.from_numpy(np.ascontiguousarray(lab)).long(),
            "pid": case["pid"],
        }


def conv_block(cin, cout):
    return nn.Sequential(
        nn.Conv3d(cin, cout, 3, padding=1), nn.InstanceNorm3d(cout), nn.LeakyReLU(0.01),
        nn.Conv3d(cout, cout, 3, padding=1), nn.InstanceNorm3d(cout), nn.LeakyReLU(0.01),
    )


class TinyUNet3D(nn.Module):
    def __init__(self, in_ch=1, n_classes=3, base=8):
        super().__init__()
        self.enc1 = conv_block(in_ch, base)
        self.enc2 = conv_block(base, base * 2)
        self.pool = nn.MaxPool3d(2)
        self.up = nn.ConvTranspose3d(base * 2, base, 2, stride=2)
        self.dec1 = conv_block(base * 2, base)
        self.head = nn.Conv3d(base, n_classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        d1 = self.dec1(torch.cat([self.up(e2), e1], dim=1))
        return self.head(d1)


def soft_dice_loss(logits, target, n_classes, eps=1e-5):
    probs = logits.softmax(dim=1)
    onehot = F.one_hot(target, n_classes).permute(0, 4, 1, 2, 3).float()
    dims = (0, 2, 3, 4)
    inter = (probs * onehot).sum(dims)
    denom = probs.sum(dims) + onehot.sum(dims)
    dice = (2 * inter + eps) / (denom + eps)
    return 1.0 - dice[1:].mean()


def train_one_epoch(model, loader, opt):
    model.train()
    total = 0.0
    for batch in loader:
        x, y = batch["image"], batch["label"]
        logits = model(x)
        loss = F.cross_entropy(logits, y) + soft_dice_loss(logits, y, N_CLASSES)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    return total / max(len(loader), 1)


def main():
    set_seed(SEED)
    rng = np.random.default_rng(SEED)
    cohort = build_cohort(N_CASES, rng)
    ds = LesionPatchDataset(cohort, PATCH, seed=SEED)
    loader = DataLoader(ds, batch_size=BATCH, shuffle=True, num_workers=0)
    model = TinyUNet3D(n_classes=N_CLASSES)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(2):
        loss = train_one_epoch(model, loader, opt)
        print(f"epoch {epoch} loss {loss:.4f}")


if __name__ == "__main__":
    main()
