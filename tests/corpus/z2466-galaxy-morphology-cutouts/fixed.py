"""Galaxy morphology classifier on multi-band survey cutouts (smooth / featured / edge-on)."""
from dataclasses import dataclass, field
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class CutoutConfig:
    survey_bands: tuple = ("u", "g", "r", "i", "z")
    use_bands: tuple = ("g", "r", "z")
    stamp: int = 32
    n_train: int = 384
    n_val: int = 96
    classes: tuple = ("smooth", "featured", "edge_on")
    batch_size: int = 32
    epochs: int = 3
    lr: float = 2e-3
    seed: int = 11
    band_gain: dict = field(default_factory=lambda: {"u": 0.4, "g": 1.0, "r": 1.3, "i": 1.5, "z": 1.7})


def render_galaxy(cls, cfg, rng):
    s = cfg.stamp
    yy, xx = np.mgrid[:s, :s] - (s - 1) / 2.0
    pa = rng.uniform(0, np.pi)
    c, sn = np.cos(pa), np.sin(pa)
    xr, yr = c * xx + sn * yy, -sn * xx + c * yy
    if cls == 0:
        q, r_e = rng.uniform(0.7, 1.0), rng.uniform(3, 6)
        prof = np.exp(-np.sqrt(xr ** 2 + (yr / q) ** 2) / r_e)
    elif cls == 1:
        q, r_e = rng.uniform(0.5, 0.9), rng.uniform(4, 7)
        rad = np.sqrt(xr ** 2 + (yr / q) ** 2)
        theta = np.arctan2(yr, xr)
        arms = 1 + 0.6 * np.cos(2 * theta - rad / 2.0)
        prof = np.exp(-rad / r_e) * arms
    else:
        q, r_e = rng.uniform(0.08, 0.2), rng.uniform(6, 9)
        prof = np.exp(-np.sqrt(xr ** 2 + (yr / q) ** 2) / r_e)
    cube = np.stack([cfg.band_gain[b] * prof for b in cfg.survey_bands])
    cube += rng.normal(0, 0.03, cube.shape)
    return cube.astype(np.float32)


def build_catalog(n, cfg, rng):
    labels = rng.integers(0, len(cfg.classes), n)
    cubes = np.stack([render_galaxy(int(k), cfg, rng) for k in labels])
    return cubes, labels


def compute_band_stats(cubes):
    mean = cubes.mean(axis=(0, 2, 3))
    std = cubes.std(axis=(0, 2, 3)) + 1e-6
    return torch.from_numpy(mean), torch.from_numpy(std)


class CutoutDataset(Dataset):
    def __init__(self, cubes, labels, cfg, band_mean, band_std):
        self.band_idx = [cfg.survey_bands.index(b) for b in cfg.use_bands]
        self.cubes = cubes
        self.labels = labels
        self.mean = band_mean.view(-1, 1, 1)
        self.std = band_std.view(-1, 1, 1)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        img = torch.from_numpy(self.cubes[i, self.band_idx])
        img = torch.asinh((img - self.mean) / self.std)
        return img, int(self.labels[i])


def augment_collate(batch):
    imgs, ys = zip(*batch)
    out = []
    for im in imgs:
        k = int(torch.randint(0, 4, (1,)))
        im = torch.rot90(im, k, dims=(1, 2))
        if torch.rand(1).item() < 0.5:
            im = im.flip(-1)
        out.append(im)
    return torch.stack(out), torch.tensor(ys)


class MorphNet(nn.Module):
    def __init__(self, in_bands, n_classes):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_bands, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 48, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.fc = nn.Linear(48, n_classes)

    def forward(self, x):
        return self.fc(self.body(x).flatten(1))


def main():
    cfg = CutoutConfig()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)

    tr_cubes, tr_y = build_catalog(cfg.n_train, cfg, rng)
    va_cubes, va_y = build_catalog(cfg.n_val, cfg, rng)
    band_idx = [cfg.survey_bands.index(b) for b in cfg.use_bands]
    band_mean, band_std = compute_band_stats(tr_cubes[:, band_idx])

    train_dl = DataLoader(CutoutDataset(tr_cubes, tr_y, cfg, band_mean, band_std),
                          batch_size=cfg.batch_size, shuffle=True, collate_fn=augment_collate)
    val_dl = DataLoader(CutoutDataset(va_cubes, va_y, cfg, band_mean, band_std),
                        batch_size=cfg.batch_size)

    model = MorphNet(len(cfg.use_bands), len(cfg.classes))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        for x, y in train_dl:
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for x, y in val_dl:
                correct += (model(x).argmax(1) == y).sum().item()
        print(f"epoch {epoch}: loss {loss.item():.3f}  val acc {correct / cfg.n_val:.3f}")


if __name__ == "__main__":
    main()
