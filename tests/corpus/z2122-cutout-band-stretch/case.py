"""Galaxy morphology (smooth / disk / merger) from multi-band survey cutouts.

Cutouts are stored per field and per band as .npy stacks; a field may not have
been observed in every survey filter.
"""
import os
import tempfile
import numpy as np
import torch
from torch import nn

SURVEY_BANDS = ["g", "r", "i", "z", "Y"]
SOFTENING = [0.08, 0.10, 0.12, 0.18, 0.30]   # asinh softening per filter, in flux units
MORPH = ["smooth", "disk", "merger"]
STAMP = 32
rng = np.random.default_rng(3)
torch.manual_seed(3)


def sersic_stamp(n, r_eff, q, theta, x0=0.0, y0=0.0):
    yy, xx = np.mgrid[:STAMP, :STAMP] - STAMP / 2 + 0.5
    xr = (xx - x0) * np.cos(theta) + (yy - y0) * np.sin(theta)
    yr = -(xx - x0) * np.sin(theta) + (yy - y0) * np.cos(theta)
    r = np.sqrt(xr ** 2 + (yr / q) ** 2)
    b_n = 2 * n - 1 / 3
    return np.exp(-b_n * ((r / r_eff) ** (1 / n) - 1))


def write_field(root, field, n_gal, bands):
    labels = rng.integers(0, len(MORPH), n_gal)
    colour = {"g": 0.6, "r": 1.0, "i": 1.2, "z": 1.3, "Y": 1.35}
    for band in bands:
        stack = np.empty((n_gal, STAMP, STAMP), dtype=np.float32)
        for k, lab in enumerate(labels):
            if lab == 0:
                img = sersic_stamp(4.0, 3.0, 0.8, 0.3)
            elif lab == 1:
                img = sersic_stamp(1.0, 5.0, 0.35, 1.1)
            else:
                img = sersic_stamp(1.5, 3.0, 0.7, 0.2, -4, -2) + 0.7 * sersic_stamp(1.5, 2.5, 0.6, 1.0, 5, 3)
            stack[k] = colour[band] * img * rng.uniform(0.5, 2.0) + rng.normal(0, 0.05, img.shape)
        np.save(os.path.join(root, f"{field}_{band}.npy"), stack)
    np.save(os.path.join(root, f"{field}_labels.npy"), labels)


def load_field(root, field):
    bands = [b for b in SURVEY_BANDS if os.path.exists(os.path.join(root, f"{field}_{b}.npy"))]
    cube = np.stack([np.load(os.path.join(root, f"{field}_{b}.npy")) for b in bands], axis=1)
    labels = np.load(os.path.join(root, f"{field}_labels.npy"))
    return torch.from_numpy(cube), torch.from_numpy(labels).long(), bands


def asinh_stretch(cube):
    out = torch.empty_like(cube)
    for b in range(len(SURVEY_BANDS)):
        out[:, b] = torch.asinh(cube[:, b] / SOFTENING[b])
    return out


class MorphCNN(nn.Module):
    def __init__(self, in_ch, n_cls):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_ch, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.fc = nn.Linear(32, n_cls)

    def forward(self, x):
        return self.fc(self.body(x).flatten(1))


with tempfile.TemporaryDirectory() as archive:
    write_field(archive, "SN-X3", n_gal=160, bands=["g", "r", "i", "z"])
    raw, morph_labels, bands = load_field(archive, "SN-X3")
    print(f"field SN-X3: {raw.shape[0]} galaxies, bands {''.join(bands)}, cube {tuple(raw.shape)}")

    cutouts = asinh_stretch(raw)
    flips = torch.rand(cutouts.shape[0]) < 0.5
    cutouts[flips] = cutouts[flips].flip(-1)

    n_train = 128
    x_tr, y_tr = cutouts[:n_train], morph_labels[:n_train]
    x_va, y_va = cutouts[n_train:], morph_labels[n_train:]

    cnn = MorphCNN(in_ch=cutouts.shape[1], n_cls=len(MORPH))
    opt = torch.optim.SGD(cnn.parameters(), lr=0.05, momentum=0.9)
    ce = nn.CrossEntropyLoss()
    for epoch in range(5):
        cnn.train()
        perm = torch.randperm(n_train)
        for s in range(0, n_train, 32):
            idx = perm[s : s + 32]
            loss = ce(cnn(x_tr[idx]), y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        cnn.eval()
        with torch.no_grad():
            acc = (cnn(x_va).argmax(1) == y_va).float().mean().item()
        print(f"epoch {epoch}: last batch loss {loss.item():.3f}, val acc {acc:.3f}")
