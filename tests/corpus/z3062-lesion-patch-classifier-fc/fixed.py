import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

PATCH_SIZE = 32
CONTEXT_MARGIN = 4
N_VOLUMES = 8
SLICES = 24
INPLANE = 96
LESIONS_PER_VOL = 5
BATCH = 8
EPOCHS = 3
FEAT_CH = 32


def seed_everything(s=2024):
    random.seed(s)
    np.random.seed(s)
    torch.manual_seed(s)


def fake_liver_volume(rng):
    vol = rng.normal(60, 10, size=(SLICES, INPLANE, INPLANE)).astype(np.float32)
    labels = np.zeros_like(vol, dtype=np.int16)
    lesions = []
    zz, yy, xx = np.mgrid[:SLICES, :INPLANE, :INPLANE]
    for k in range(LESIONS_PER_VOL):
        z = rng.integers(3, SLICES - 3)
        y, x = rng.integers(20, INPLANE - 20, size=2)
        r = rng.uniform(3, 8)
        malignant = int(rng.random() < 0.5)
        m = (zz - z) ** 2 * 4 + (yy - y) ** 2 + (xx - x) ** 2 <= r ** 2
        vol[m] += (-25 if malignant else 30) + rng.normal(0, 5, size=m.sum())
        labels[m] = k + 1
        lesions.append({"id": k + 1, "malignant": malignant})
    return vol, labels, lesions


def lesion_centroid(labels, lid):
    pts = np.argwhere(labels == lid)
    return tuple(int(round(v)) for v in pts.mean(0))


def crop_with_context(vol, center, size, margin):
    half = size // 2 + margin
    z, y, x = center
    sl = vol[z]
    pad = np.pad(sl, half, mode="edge")
    y0, x0 = y, x
    return pad[y0:y0 + 2 * half, x0:x0 + 2 * half]


def normalize_hu(p, lo=-100, hi=200):
    p = np.clip(p, lo, hi)
    return (p - lo) / (hi - lo)


def collect_patches(rng):
    xs, ys = [], []
    for _ in range(N_VOLUMES):
        vol, labels, lesions = fake_liver_volume(rng)
        for les in lesions:
            if not (labels == les["id"]).any():
                continue
            c = lesion_centroid(labels, les["id"])
            patch = crop_with_context(vol, c, PATCH_SIZE, CONTEXT_MARGIN)
            xs.append(normalize_hu(patch)[None])
            ys.append(les["malignant"])
    return np.stack(xs).astype(np.float32), np.array(ys, dtype=np.int64)


def split_train_val(x, y, frac=0.75):
    n = len(x)
    idx = np.random.permutation(n)
    k = int(math.floor(n * frac))
    return (x[idx[:k]], y[idx[:k]]), (x[idx[k:]], y[idx[k:]])


class LesionNet(nn.Module):
    def __init__(self, n_cls=2):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, FEAT_CH, 3, padding=1), nn.BatchNorm2d(FEAT_CH), nn.ReLU(),
            nn.MaxPool2d(2),
        )
        flat = FEAT_CH * ((PATCH_SIZE + 2 * CONTEXT_MARGIN) // 4) * ((PATCH_SIZE + 2 * CONTEXT_MARGIN) // 4)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.3),
            nn.Linear(flat, 64),
            nn.ReLU(),
            nn.Linear(64, n_cls),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            pred = model(xb).argmax(1)
            correct += (pred == yb).sum().item()
            total += yb.numel()
    return correct / max(total, 1)


def main():
    seed_everything()
    rng = np.random.default_rng(5)
    x, y = collect_patches(rng)
    print("patch tensor", x.shape, "malignant frac", y.mean().round(2))
    (xtr, ytr), (xva, yva) = split_train_val(x, y)
    tr = DataLoader(TensorDataset(torch.from_numpy(xtr), torch.from_numpy(ytr)), batch_size=BATCH, shuffle=True)
    va = DataLoader(TensorDataset(torch.from_numpy(xva), torch.from_numpy(yva)), batch_size=BATCH)
    model = LesionNet()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    for ep in range(EPOCHS):
        model.train()
        losses = []
        for xb, yb in tr:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {ep}: train loss {np.mean(losses):.4f}  val acc {evaluate(model, va):.3f}")


if __name__ == "__main__":
    main()
