import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader

RNG_SEED = 11
N_PATIENTS = 10
DEPTH, H, W = 12, 32, 32
LABEL_NAMES = {0: "background", 1: "kidney", 2: "tumor", 3: "cyst"}


def synth_patient(rng, with_cyst):
    img = rng.normal(0.0, 0.3, size=(DEPTH, H, W)).astype(np.float32)
    seg = np.zeros((DEPTH, H, W), dtype=np.int64)
    yy, xx = np.mgrid[:H, :W]
    cy, cx = rng.integers(12, 20, size=2)
    kidney = ((yy - cy) / 9.0) ** 2 + ((xx - cx) / 6.0) ** 2 <= 1.0
    seg[:, kidney] = 1
    img[:, kidney] += 1.0
    ty, tx = cy + rng.integers(-3, 4), cx + rng.integers(-2, 3)
    tumor = (yy - ty) ** 2 + (xx - tx) ** 2 <= 9
    z0 = rng.integers(2, DEPTH - 5)
    seg[z0:z0 + 4, tumor] = 2
    img[z0:z0 + 4, tumor] += 1.5
    if with_cyst:
        qy, qx = cy - 4, cx + 2
        cyst = (yy - qy) ** 2 + (xx - qx) ** 2 <= 4
        seg[1:4, cyst] = 3
        img[1:4, cyst] -= 1.2
    return img, seg


def load_cohort(rng):
    pats = []
    for i in range(N_PATIENTS):
        img, seg = synth_patient(rng, with_cyst=(i >= 7))
        pats.append({"id": f"KiTS-{i:04d}", "ct": img, "seg": seg})
    return pats


def split_cohort(pats, n_val=3):
    return pats[:-n_val], pats[-n_val:]


def to_slices(pats):
    xs = np.concatenate([p["ct"] for p in pats], axis=0)[:, None]
    ys = np.concatenate([p["seg"] for p in pats], axis=0)
    return torch.from_numpy(xs), torch.from_numpy(ys)


def double_conv(a, b):
    return nn.Sequential(nn.Conv2d(a, b, 3, padding=1), nn.BatchNorm2d(b), nn.ReLU(inplace=True),
                         nn.Conv2d(b, b, 3, padding=1), nn.BatchNorm2d(b), nn.ReLU(inplace=True))


class SliceUNet(nn.Module):
    def __init__(self, n_out, f=8):
        super().__init__()
        self.d1 = double_conv(1, f)
        self.d2 = double_conv(f, 2 * f)
        self.bott = double_conv(2 * f, 4 * f)
        self.u2 = nn.ConvTranspose2d(4 * f, 2 * f, 2, 2)
        self.c2 = double_conv(4 * f, 2 * f)
        self.u1 = nn.ConvTranspose2d(2 * f, f, 2, 2)
        self.c1 = double_conv(2 * f, f)
        self.out = nn.Conv2d(f, n_out, 1)

    def forward(self, x):
        s1 = self.d1(x)
        s2 = self.d2(F.max_pool2d(s1, 2))
        b = self.bott(F.max_pool2d(s2, 2))
        y = self.c2(torch.cat([self.u2(b), s2], 1))
        y = self.c1(torch.cat([self.u1(y), s1], 1))
        return self.out(y)


def dice_ce(logits, target, n_cls):
    ce = F.cross_entropy(logits, target)
    p = logits.softmax(1)
    oh = F.one_hot(target, n_cls).permute(0, 3, 1, 2).float()
    inter = (p * oh).sum((0, 2, 3))
    dice = (2 * inter + 1.0) / (p.sum((0, 2, 3)) + oh.sum((0, 2, 3)) + 1.0)
    return ce + (1 - dice).mean()


def fit(net, loader, n_cls, epochs=2):
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    for ep in range(epochs):
        net.train()
        running = []
        for xb, yb in loader:
            loss = dice_ce(net(xb), yb, n_cls)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        print(f"[ep {ep}] train loss {np.mean(running):.4f}")


def hard_dice(pred_mask, gt_mask):
    inter = (pred_mask & gt_mask).sum().item()
    tot = pred_mask.sum().item() + gt_mask.sum().item()
    return 1.0 if tot == 0 else 2.0 * inter / tot


@torch.no_grad()
def per_structure_report(net, xs, ys):
    net.eval()
    probs = net(xs).softmax(1)
    pred = probs.argmax(1)
    report = {}
    for c, name in LABEL_NAMES.items():
        if c == 0:
            continue
        conf = probs[:, c][ys == c].mean().item() if (ys == c).any() else float("nan")
        report[name] = (hard_dice(pred == c, ys == c), conf)
    return report


def main():
    torch.manual_seed(RNG_SEED)
    rng = np.random.default_rng(RNG_SEED)
    cohort = load_cohort(rng)
    train_pats, val_pats = split_cohort(cohort)
    x_tr, y_tr = to_slices(train_pats)
    x_va, y_va = to_slices(val_pats)
    n_classes = int(y_tr.max().item()) + 1
    print(f"train slices {len(x_tr)}, val slices {len(x_va)}, classes {n_classes}")
    net = SliceUNet(n_out=n_classes)
    dl = DataLoader(TensorDataset(x_tr, y_tr), batch_size=8, shuffle=True)
    fit(net, dl, n_classes)
    rep = per_structure_report(net, x_va, y_va)
    for name, (d, conf) in rep.items():
        print(f"{name:>10s}: dice={d:.3f} mean p={conf:.3f}")


if __name__ == "__main__":
    main()
