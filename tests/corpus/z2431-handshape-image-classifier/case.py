import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "handshape_crops")
ANNOT = os.path.join(ROOT, "annotations.csv")
HANDSHAPES = ["A", "B", "C", "5", "1", "V", "Y", "O", "bent-V", "flat-O"]
IMG = 32

# crop boxes (top, left, size) inside the 32x32 hand patch, per camera view
VIEW_CROP = {"front": (2, 2, 28), "side": (0, 4, 28), "top": (4, 0, 28)}
# column positions in annotations.csv
FIELD = {"file": 0, "signer": 1, "handshape": 2, "hand": 3, "view": 4}


def export_crops(n_per_shape=8, seed=0):
    """Simulates the crop exporter: one .npy per detected hand + a csv index."""
    rng = np.random.default_rng(seed)
    os.makedirs(ROOT, exist_ok=True)
    rows = [["file", "signer", "session", "handshape", "hand", "view"]]
    k = 0
    for hs_idx, hs in enumerate(HANDSHAPES):
        for _ in range(n_per_shape):
            img = rng.normal(0.0, 0.2, size=(IMG, IMG)).astype(np.float32)
            yy, xx = np.mgrid[:IMG, :IMG]
            img += np.exp(-((yy - 8 - hs_idx * 1.5) ** 2 + (xx - 16) ** 2) / 30.0).astype(np.float32)
            fname = f"crop_{k:04d}.npy"
            np.save(os.path.join(ROOT, fname), img)
            rows.append([
                fname,
                f"S{int(rng.integers(1, 7)):02d}",
                f"sess{int(rng.integers(1, 3))}",
                hs,
                str(rng.choice(["left", "right"])),
                str(rng.choice(list(VIEW_CROP))),
            ])
            k += 1
    with open(ANNOT, "w", newline="") as f:
        csv.writer(f).writerows(rows)


class HandshapeCrops(Dataset):
    def __init__(self, annot_path, signers=None):
        self.samples = []
        with open(annot_path, newline="") as f:
            reader = csv.reader(f)
            next(reader)
            for row in reader:
                if signers is not None and row[FIELD["signer"]] not in signers:
                    continue
                crop = VIEW_CROP[row[FIELD["view"]]]
                mirror = row[FIELD["hand"]] == "left"
                label = HANDSHAPES.index(row[FIELD["handshape"]])
                self.samples.append((row[FIELD["file"]], crop, mirror, label))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        fname, (top, left, size), mirror, label = self.samples[i]
        img = np.load(os.path.join(ROOT, fname))
        img = img[top:top + size, left:left + size]
        if mirror:
            img = img[:, ::-1]
        img = np.pad(img, ((0, IMG - size), (0, IMG - size)))
        return torch.from_numpy(img.copy()).unsqueeze(0), label


class HandshapeCNN(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1),
        )
        self.fc = nn.Linear(32, n_classes)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))


def main():
    torch.manual_seed(0)
    export_crops()
    train_signers = {"S01", "S02", "S03", "S04", "S05"}
    train_ds = HandshapeCrops(ANNOT, signers=train_signers)
    val_ds = HandshapeCrops(ANNOT, signers={"S06"})
    train_dl = DataLoader(train_ds, batch_size=16, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=32)

    model = HandshapeCNN(len(HANDSHAPES))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    crit = nn.CrossEntropyLoss()
    for epoch in range(3):
        model.train()
        for x, y in train_dl:
            loss = crit(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = n = 0
        with torch.no_grad():
            for x, y in val_dl:
                correct += (model(x).argmax(1) == y).sum().item()
                n += len(y)
        print(f"epoch {epoch} train_loss={loss.item():.3f} val_acc={correct / max(n, 1):.2f}")


if __name__ == "__main__":
    main()
