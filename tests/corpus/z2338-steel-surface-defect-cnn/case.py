import csv
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, random_split

HERE = os.path.dirname(os.path.abspath(__file__))
PATCH_DIR = os.path.join(HERE, "patches")
DEFECT_CLASSES = ["ok", "scratch", "inclusion", "pitting", "rolled_scale"]
PATCH = 32
N_PATCHES = 240


def render_patch(rng, cls):
    img = rng.normal(0.5, 0.05, size=(PATCH, PATCH)).astype(np.float32)
    if cls == 1:
        r = rng.integers(4, PATCH - 4)
        img[r:r + 2, :] -= 0.4
    elif cls == 2:
        y, x = rng.integers(6, PATCH - 6, size=2)
        img[y - 3:y + 3, x - 3:x + 3] += 0.35
    elif cls == 3:
        for _ in range(12):
            y, x = rng.integers(0, PATCH, size=2)
            img[y, x] -= 0.5
    elif cls == 4:
        img[:, : PATCH // 3] += rng.normal(0.2, 0.1, size=(PATCH, PATCH // 3))
    return np.clip(img, 0.0, 1.0)


def build_inspection_export(rng):
    os.makedirs(PATCH_DIR, exist_ok=True)
    probs = np.array([0.5, 0.15, 0.15, 0.1, 0.1])
    rows = []
    images = []
    for i in range(N_PATCHES):
        cls = int(rng.choice(len(DEFECT_CLASSES), p=probs))
        images.append(render_patch(rng, cls))
        rows.append((f"coil{i // 24:03d}_p{i % 24:02d}", cls, round(float(rng.uniform(0, 1)), 3)))
    np.save(os.path.join(PATCH_DIR, "patches.npy"), np.stack(images))
    with open(os.path.join(PATCH_DIR, "labels.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["patch_id", "defect_class", "severity"])
        w.writerows(rows)


class DefectPatchDataset(Dataset):
    def __init__(self, root):
        self.images = np.load(os.path.join(root, "patches.npy"))
        table = np.loadtxt(os.path.join(root, "labels.csv"), delimiter=",", skiprows=1, usecols=(1, 2))
        self.labels = table[:, 0]
        self.severity = table[:, 1]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        x = torch.from_numpy(self.images[idx]).unsqueeze(0)
        x = (x - 0.5) / 0.25
        return x, torch.as_tensor(self.labels[idx])


class DefectNet(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2))
        self.block2 = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, n_classes)

    def forward(self, x):
        x = self.block2(self.block1(x))
        return self.fc(self.pool(x).flatten(1))


class InspectionTrainer:
    def __init__(self, model, class_weights, lr=2e-3):
        self.model = model
        self.class_weights = class_weights
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)

    def train_epoch(self, loader):
        self.model.train()
        total, n = 0.0, 0
        for xb, yb in loader:
            logits = self.model(xb)
            sample_w = self.class_weights[yb]
            loss = (F.cross_entropy(logits, yb, reduction="none") * sample_w).mean()
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            total += loss.item() * xb.size(0)
            n += xb.size(0)
        return total / n

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        correct, n = 0, 0
        for xb, yb in loader:
            pred = self.model(xb).argmax(1)
            correct += (pred == yb).sum().item()
            n += xb.size(0)
        return correct / n


def inverse_frequency_weights(labels, n_classes):
    classes, counts = np.unique(labels, return_counts=True)
    freq = np.ones(n_classes)
    freq[classes.astype(int)] = counts
    w = len(labels) / (n_classes * freq)
    return torch.tensor(w, dtype=torch.float32)


if __name__ == "__main__":
    rng = np.random.default_rng(3)
    torch.manual_seed(3)
    build_inspection_export(rng)

    ds = DefectPatchDataset(PATCH_DIR)
    train_ds, val_ds = random_split(ds, [192, 48], generator=torch.Generator().manual_seed(3))
    train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=48)

    weights = inverse_frequency_weights(ds.labels, len(DEFECT_CLASSES))
    print("class weights:", {c: round(float(w), 2) for c, w in zip(DEFECT_CLASSES, weights)})

    trainer = InspectionTrainer(DefectNet(len(DEFECT_CLASSES)), weights)
    for epoch in range(3):
        loss = trainer.train_epoch(train_loader)
        acc = trainer.evaluate(val_loader)
        print(f"epoch {epoch}: weighted loss {loss:.4f} val acc {acc:.3f}")
