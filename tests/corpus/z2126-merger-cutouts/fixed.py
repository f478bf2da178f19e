"""Binary merger / non-merger classifier on gri galaxy cutouts.

Synthetic 3-band postage stamps: isolated Sersic-like blobs vs. pairs of
overlapping blobs with a tidal-ish asymmetry. The visual classification flag
comes from a small mock catalog, as it would from a Galaxy Zoo cross-match.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, random_split

rng = np.random.default_rng(42)
torch.manual_seed(42)

STAMP = 32
BANDS = ("g", "r", "i")
BAND_GAIN = np.array([0.7, 1.0, 1.2], dtype=np.float32)


def blob(yy, xx, cy, cx, r_eff, q, theta):
    dy, dx = yy - cy, xx - cx
    u = dx * np.cos(theta) + dy * np.sin(theta)
    v = (-dx * np.sin(theta) + dy * np.cos(theta)) / q
    return np.exp(-((np.hypot(u, v) / r_eff) ** 0.5))


def make_catalog(n_gal, merger_frac=0.3):
    cat = np.zeros(n_gal, dtype=[("objid", "i8"), ("ra", "f8"), ("dec", "f8"), ("is_merger", "i4")])
    cat["objid"] = 1237650000000000000 + np.arange(n_gal)
    cat["ra"] = rng.uniform(150.0, 151.0, n_gal)
    cat["dec"] = rng.uniform(2.0, 3.0, n_gal)
    cat["is_merger"] = (rng.random(n_gal) < merger_frac).astype("i4")
    return cat


def render_cutout(merger):
    yy, xx = np.mgrid[0:STAMP, 0:STAMP].astype(np.float32)
    c = STAMP / 2
    img = blob(yy, xx, c, c, rng.uniform(2, 4), rng.uniform(0.5, 1), rng.uniform(0, np.pi))
    if merger:
        sep = rng.uniform(4, 9)
        ang = rng.uniform(0, 2 * np.pi)
        img = img + 0.7 * blob(yy, xx, c + sep * np.sin(ang), c + sep * np.cos(ang),
                               rng.uniform(1.5, 3), rng.uniform(0.3, 0.8), rng.uniform(0, np.pi))
    stamp = BAND_GAIN[:, None, None] * img[None]
    stamp = stamp + rng.normal(0, 0.03, stamp.shape)
    return np.arcsinh(stamp / 0.1).astype(np.float32)


class CutoutDataset(Dataset):
    def __init__(self, catalog):
        self.objid = catalog["objid"]
        self.is_merger = catalog["is_merger"]
        self.cutouts = np.stack([render_cutout(m) for m in self.is_merger])

    def __len__(self):
        return len(self.objid)

    def __getitem__(self, i):
        return torch.from_numpy(self.cutouts[i]), torch.tensor(self.is_merger[i], dtype=torch.float32)


class MergerCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(len(BANDS), 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Linear(32, 1)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1)).squeeze(1)


def main():
    catalog = make_catalog(400)
    n_merg = int(catalog["is_merger"].sum())
    print(f"catalog: {len(catalog)} galaxies, {n_merg} visual mergers")

    dataset = CutoutDataset(catalog)
    train_set, val_set = random_split(dataset, [320, 80], generator=torch.Generator().manual_seed(0))
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
    val_loader = DataLoader(val_set, batch_size=80)

    model = MergerCNN()
    pos_weight = torch.tensor((len(catalog) - n_merg) / max(n_merg, 1))
    criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(3):
        model.train()
        seen, total = 0, 0.0
        for stamps, flag in train_loader:
            logits = model(stamps)
            loss = criterion(logits, flag)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * stamps.shape[0]
            seen += stamps.shape[0]

        model.eval()
        with torch.no_grad():
            stamps, flag = next(iter(val_loader))
            prob = torch.sigmoid(model(stamps))
            pred = (prob > 0.5).long()
            tp = ((pred == 1) & (flag == 1)).sum().item()
            purity = tp / max(pred.sum().item(), 1)
            completeness = tp / max(flag.sum().item(), 1)
        print(f"epoch {epoch}: train loss {total / seen:.3f}  "
              f"val purity {purity:.2f} completeness {completeness:.2f}")


if __name__ == "__main__":
    main()
