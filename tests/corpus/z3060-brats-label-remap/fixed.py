import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

SEED = 7
PATCH = (16, 32, 32)
NUM_CLASSES = 4
N_CASES = 6
PATCHES_PER_CASE = 4
EPOCHS = 2

BRATS_REMAP = {0: 0, 1: 1, 2: 2, 4: 3}


def make_ellipsoid(shape, center, radii):
    zz, yy, xx = np.meshgrid(*[np.arange(s) for s in shape], indexing="ij")
    d = ((zz - center[0]) / radii[0]) ** 2 + ((yy - center[1]) / radii[1]) ** 2 + ((xx - center[2]) / radii[2]) ** 2
    return d <= 1.0


def synth_case(rng, shape=(40, 64, 64)):
    flair = rng.normal(0.0, 1.0, size=shape).astype(np.float32)
    t1ce = rng.normal(0.0, 1.0, size=shape).astype(np.float32)
    seg = np.zeros(shape, dtype=np.uint8)
    c = [rng.integers(12, s - 12) for s in shape]
    edema = make_ellipsoid(shape, c, (9, 14, 14))
    core = make_ellipsoid(shape, c, (5, 8, 8))
    enh = core & ~make_ellipsoid(shape, c, (3, 5, 5))
    seg[edema] = 2
    seg[core] = 1
    seg[enh] = 4
    flair[edema] += 1.5
    t1ce[enh] += 2.0
    return np.stack([flair, t1ce]), seg


def zscore(vol, mask=None):
    if mask is None:
        mask = np.ones_like(vol, dtype=bool)
    m, s = vol[mask].mean(), vol[mask].std() + 1e-6
    return (vol - m) / s


def remap_labels(seg):
    out = np.zeros_like(seg, dtype=np.int64)
    for src, dst in BRATS_REMAP.items():
        out[seg == src] = dst
    out[seg > max(BRATS_REMAP)] = seg[seg > max(BRATS_REMAP)]
    return out


def lesion_centers(seg):
    return np.argwhere(seg > 0)


def crop_patch(img, seg, center, patch=PATCH):
    starts = []
    for c, p, s in zip(center, patch, seg.shape):
        st = int(np.clip(c - p // 2, 0, s - p))
        starts.append(st)
    sl = tuple(slice(st, st + p) for st, p in zip(starts, patch))
    return img[(slice(None),) + sl], seg[sl]


class LesionPatchDataset(Dataset):
    def __init__(self, cases, per_case, rng):
        self.items = []
        for img, seg in cases:
            img = np.stack([zscore(ch) for ch in img])
            lab = remap_labels(seg)
            pts = lesion_centers(lab)
            for _ in range(per_case):
                ctr = pts[rng.integers(len(pts))]
                self.items.append(crop_patch(img, lab, ctr))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        x, y = self.items[i]
        return torch.from_numpy(x.copy()), torch.from_numpy(y.copy())


def conv_block(cin, cout):
    return nn.Sequential(
        nn.Conv3d(cin, cout, 3, padding=1), nn.InstanceNorm3d(cout), nn.LeakyReLU(0.01, inplace=True),
        nn.Conv3d(cout, cout, 3, padding=1), nn.InstanceNorm3d(cout), nn.LeakyReLU(0.01, inplace=True),
    )


class TinyUNet3D(nn.Module):
    def __init__(self, in_ch=2, n_cls=NUM_CLASSES, base=8):
        super().__init__()
        self.enc1 = conv_block(in_ch, base)
        self.enc2 = conv_block(base, base * 2)
        self.bott = conv_block(base * 2, base * 4)
        self.up2 = nn.ConvTranspose3d(base * 4, base * 2, 2, stride=2)
        self.dec2 = conv_block(base * 4, base * 2)
        self.up1 = nn.ConvTranspose3d(base * 2, base, 2, stride=2)
        self.dec1 = conv_block(base * 2, base)
        self.head = nn.Conv3d(base, n_cls, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool3d(e1, 2))
        b = self.bott(F.max_pool3d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], 1))
        return self.head(d1)


def soft_dice_loss(logits, target, n_cls=NUM_CLASSES, eps=1e-5):
    probs = logits.softmax(1)
    onehot = F.one_hot(target, n_cls).permute(0, 4, 1, 2, 3).float()
    dims = (0, 2, 3, 4)
    inter = (probs * onehot).sum(dims)
    denom = probs.sum(dims) + onehot.sum(dims)
    dice = (2 * inter + eps) / (denom + eps)
    return 1.0 - dice[1:].mean()


def combined_loss(logits, target):
    ce = F.cross_entropy(logits, target)
    dc = soft_dice_loss(logits, target)
    return ce + dc, ce.item(), dc.item()


def train_one_epoch(model, loader, opt, epoch):
    model.train()
    running = []
    for step, (x, y) in enumerate(loader):
        opt.zero_grad()
        out = model(x)
        loss, ce, dc = combined_loss(out, y)
        loss.backward()
        opt.step()
        running.append(loss.item())
        print(f"ep {epoch} step {step} ce={ce:.3f} dice={dc:.3f}")
    return float(np.mean(running))


def main():
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    cases = [synth_case(rng) for _ in range(N_CASES)]
    ds = LesionPatchDataset(cases, PATCHES_PER_CASE, rng)
    print("patches:", len(ds), "label values:", np.unique(np.concatenate([it[1].ravel() for it in ds.items])))
    loader = DataLoader(ds, batch_size=4, shuffle=True)
    model = TinyUNet3D()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    for ep in range(EPOCHS):
        mean_loss = train_one_epoch(model, loader, opt, ep)
        print(f"epoch {ep} mean loss {mean_loss:.4f}")


if __name__ == "__main__":
    main()
