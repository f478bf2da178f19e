"""Galaxy morphology classifier on grz image cutouts.

Cutouts are stored the way the cutout service delivers them: (n_gal, height, width, band).
Each batch gets a robust per-band normalisation (median / MAD) and an asinh stretch before
going through a small CNN.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

MORPH_CLASSES = ["elliptical", "spiral", "merger"]
BANDS = ("g", "r", "z")
STAMP = 32
PIX_SCALE = 0.262  # arcsec / pixel

rng = np.random.default_rng(3)
torch.manual_seed(3)


def sersic_image(xx, yy, x0, y0, r_eff, n, q, theta):
    dx, dy = xx - x0, yy - y0
    xr = dx * np.cos(theta) + dy * np.sin(theta)
    yr = (-dx * np.sin(theta) + dy * np.cos(theta)) / q
    r = np.sqrt(xr ** 2 + yr ** 2) + 1e-3
    b_n = 2 * n - 1 / 3
    return np.exp(-b_n * ((r / r_eff) ** (1 / n) - 1))


def make_cutout(kind):
    yy, xx = np.mgrid[0:STAMP, 0:STAMP].astype(np.float64)
    c = STAMP / 2 + rng.normal(0, 0.7, size=2)
    theta = rng.uniform(0, np.pi)
    if kind == 0:
        light = sersic_image(xx, yy, c[0], c[1], rng.uniform(2, 4), 4.0, rng.uniform(0.6, 1.0), theta)
        colors = np.array([0.5, 1.0, 1.6])
    elif kind == 1:
        disk = sersic_image(xx, yy, c[0], c[1], rng.uniform(4, 7), 1.0, rng.uniform(0.3, 0.9), theta)
        phi = np.arctan2(yy - c[1], xx - c[0])
        rad = np.hypot(xx - c[0], yy - c[1])
        arms = 1 + 0.5 * np.cos(2 * phi - 0.6 * rad)
        light = disk * arms
        colors = np.array([1.0, 1.0, 0.9])
    else:
        off = rng.uniform(4, 8) * np.array([np.cos(theta), np.sin(theta)])
        light = (sersic_image(xx, yy, c[0] - off[0], c[1] - off[1], 2.5, 2.0, 0.8, theta)
                 + rng.uniform(0.4, 1.0) * sersic_image(xx, yy, c[0] + off[0], c[1] + off[1], 2.0, 2.0, 0.7, -theta))
        colors = np.array([0.8, 1.0, 1.2])
    flux_scale = 10 ** rng.uniform(0.5, 1.5)
    cube = light[:, :, None] * colors[None, None, :] * flux_scale
    sky_sigma = np.array([0.05, 0.07, 0.12])
    cube += rng.normal(0, 1, size=cube.shape) * sky_sigma
    return cube.astype(np.float32)


def per_band_normalise(imgs, softening=0.5):
    b, c = imgs.shape[:2]
    flat = imgs.reshape(b, c, -1)
    med = flat.median(dim=-1, keepdim=True).values
    mad = (flat - med).abs().median(dim=-1, keepdim=True).values * 1.4826 + 1e-6
    scaled = (flat - med) / mad
    return torch.asinh(scaled * softening).view(b, c, *imgs.shape[2:])


class MorphologyCNN(nn.Module):
    def __init__(self, in_bands, n_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(in_bands, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)
        self.bn1, self.bn2, self.bn3 = nn.BatchNorm2d(16), nn.BatchNorm2d(32), nn.BatchNorm2d(64)
        self.fc = nn.Linear(64, n_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = F.relu(self.bn3(self.conv3(x)))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def random_flip_rot(batch):
    k = int(torch.randint(0, 4, (1,)))
    batch = torch.rot90(batch, k, dims=(2, 3))
    if torch.rand(1).item() < 0.5:
        batch = batch.flip(3)
    return batch


def main():
    n_per = 80
    kinds = np.repeat(np.arange(len(MORPH_CLASSES)), n_per)
    cutouts = np.stack([make_cutout(k) for k in kinds])
    print(f"cutout cube {cutouts.shape}  ({STAMP * PIX_SCALE:.1f}\" stamps in {''.join(BANDS)})")

    perm = rng.permutation(len(kinds))
    n_tr = int(0.8 * len(perm))
    train_ds = TensorDataset(torch.from_numpy(cutouts[perm[:n_tr]]), torch.from_numpy(kinds[perm[:n_tr]]))
    val_ds = TensorDataset(torch.from_numpy(cutouts[perm[n_tr:]]), torch.from_numpy(kinds[perm[n_tr:]]))
    train_dl = DataLoader(train_ds, batch_size=24, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=48)

    model = MorphologyCNN(len(BANDS), len(MORPH_CLASSES))
    optim = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    for epoch in range(3):
        model.train()
        seen, loss_sum = 0, 0.0
        for stamps, morph in train_dl:
            x = random_flip_rot(stamps.permute(0, 3, 1, 2))
            x = per_band_normalise(x)
            loss = F.cross_entropy(model(x), morph)
            optim.zero_grad()
            loss.backward()
            optim.step()
            loss_sum += loss.item() * len(morph)
            seen += len(morph)
        model.eval()
        right = 0
        with torch.no_grad():
            for stamps, morph in val_dl:
                x = per_band_normalise(stamps.permute(0, 3, 1, 2))
                right += (model(x).argmax(1) == morph).sum().item()
        print(f"epoch {epoch}: loss {loss_sum / seen:.3f}  val acc {right / len(val_ds):.3f}")


if __name__ == "__main__":
    main()
