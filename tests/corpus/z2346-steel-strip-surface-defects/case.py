import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

DEFECT_TYPES = ["crazing", "inclusion", "patches", "pitted_surface", "rolled_in_scale", "scratches"]
IMG_SIZE = 64


def render_patch(defects, rng):
    img = rng.normal(0.5, 0.05, (IMG_SIZE, IMG_SIZE)).astype(np.float32)
    yy, xx = np.mgrid[0:IMG_SIZE, 0:IMG_SIZE]
    for d in defects:
        if d == "scratches":
            r = rng.integers(5, IMG_SIZE - 5)
            img[r:r + 2, :] -= 0.3
        elif d == "inclusion":
            cx, cy = rng.integers(10, IMG_SIZE - 10, 2)
            img[((xx - cx) ** 2 + (yy - cy) ** 2) < 16] -= 0.25
        elif d == "patches":
            x0, y0 = rng.integers(0, IMG_SIZE - 20, 2)
            img[y0:y0 + 20, x0:x0 + 20] += 0.2
        elif d == "pitted_surface":
            pts = rng.integers(0, IMG_SIZE, (30, 2))
            img[pts[:, 0], pts[:, 1]] -= 0.4
        elif d == "rolled_in_scale":
            img += 0.08 * np.sin(xx / 3.0).astype(np.float32)
        elif d == "crazing":
            img += rng.normal(0, 0.12, img.shape).astype(np.float32)
    return np.clip(img, 0, 1)


class StripInspectionDataset(Dataset):
    def __init__(self, n, seed):
        rng = np.random.default_rng(seed)
        self.records = []
        for i in range(n):
            k = rng.choice([0, 1, 1, 2])
            defects = list(rng.choice(DEFECT_TYPES, size=k, replace=False))
            self.records.append({"coil": f"C{seed}{i:04d}", "defects": defects,
                                 "image": render_patch(defects, rng)})

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        r = self.records[i]
        return {"image": torch.from_numpy(r["image"])[None], "defects": r["defects"], "coil": r["coil"]}


def collate_inspections(batch):
    images = torch.stack([b["image"] for b in batch])
    targets = torch.zeros(len(batch), len(DEFECT_TYPES))
    for i, b in enumerate(batch):
        for d in b["defects"]:
            targets[i, DEFECT_TYPES.index(d)] = 1.0
    return {"images": (images - 0.5) / 0.1, "targets": targets, "coils": [b["coil"] for b in batch]}


def conv_bn(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True), nn.MaxPool2d(2))


class SurfaceDefectNet(nn.Module):
    def __init__(self, n_labels, width=16):
        super().__init__()
        self.features = nn.Sequential(conv_bn(1, width), conv_bn(width, 2 * width),
                                      conv_bn(2 * width, 4 * width), nn.AdaptiveAvgPool2d(1))
        self.head = nn.Linear(4 * width, n_labels)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))

    @torch.no_grad()
    def predict(self, x, threshold=0.5):
        return torch.sigmoid(self(x)) > threshold


def label_frequencies(ds):
    counts = np.zeros(len(DEFECT_TYPES))
    for r in ds.records:
        for d in r["defects"]:
            counts[DEFECT_TYPES.index(d)] += 1
    return counts / len(ds)


def main():
    random.seed(0)
    torch.manual_seed(0)
    train_ds = StripInspectionDataset(224, seed=1)
    val_ds = StripInspectionDataset(96, seed=2)
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=collate_inspections)
    val_dl = DataLoader(val_ds, batch_size=96, collate_fn=collate_inspections)

    freq = label_frequencies(train_ds)
    class_weights = torch.tensor(np.clip(0.5 / (freq + 1e-3), 0.5, 5.0), dtype=torch.float32)
    print("defect prevalence:", {d: round(float(f), 3) for d, f in zip(DEFECT_TYPES, freq)})

    model = SurfaceDefectNet(len(DEFECT_TYPES))
    criterion = nn.BCELoss(weight=class_weights)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(2):
        model.train()
        total = 0.0
        for batch in train_dl:
            logits = model(batch["images"])
            loss = criterion(logits, batch["targets"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        model.eval()
        vb = next(iter(val_dl))
        pred = model.predict(vb["images"])
        exact = (pred == vb["targets"].bool()).all(1).float().mean().item()
        print(f"epoch {epoch} loss {total / len(train_dl):.4f} exact-match {exact:.3f}")


if __name__ == "__main__":
    main()
