"""Seabed habitat segmentation from side-scan sonar mosaics.

Tiles are 64x64 backscatter patches; each pixel is labelled sand / gravel /
rock / seagrass / mud. The survey export marks the water-column gap under the
towfish and the swath edges with the no-data value 255.
"""
import os
import tempfile
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

CONFIG = {
    "classes": ["sand", "gravel", "rock", "seagrass", "mud"],
    "nodata_label": 255,
    "tile": 64,
    "n_tiles": 16,
    "batch_size": 8,
    "lr": 1e-3,
    "epochs": 1,
    "seed": 11,
}

rng = np.random.default_rng(CONFIG["seed"])
torch.manual_seed(CONFIG["seed"])


def make_tile(size, n_classes):
    yy, xx = np.mgrid[0:size, 0:size]
    centers = rng.uniform(0, size, (6, 2))
    labels = rng.integers(0, n_classes, 6)
    d = (yy[None] - centers[:, 0, None, None]) ** 2 + (xx[None] - centers[:, 1, None, None]) ** 2
    mask = labels[d.argmin(0)].astype(np.int64)
    texture = np.array([0.2, 0.5, 0.9, 0.35, 0.1])[mask]
    backscatter = texture + 0.15 * rng.standard_normal((size, size))
    nadir = size // 2 + rng.integers(-3, 4)
    mask[:, nadir - 2:nadir + 3] = CONFIG["nodata_label"]
    backscatter[:, nadir - 2:nadir + 3] = 0.0
    edge = rng.integers(0, 6)
    if edge:
        mask[:, :edge] = CONFIG["nodata_label"]
        backscatter[:, :edge] = 0.0
    return backscatter.astype(np.float32), mask


class SonarTiles(Dataset):
    def __init__(self, n):
        self.items = [make_tile(CONFIG["tile"], len(CONFIG["classes"])) for _ in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        img, mask = self.items[i]
        return torch.from_numpy(img).unsqueeze(0), torch.from_numpy(mask)


def block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class TinyUNet(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.down1 = block(1, 16)
        self.down2 = block(16, 32)
        self.up = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.fuse = block(32, 16)
        self.head = nn.Conv2d(16, n_classes, 1)

    def forward(self, x):
        s1 = self.down1(x)
        s2 = self.down2(F.max_pool2d(s1, 2))
        u = self.up(s2)
        return self.head(self.fuse(torch.cat([u, s1], dim=1)))


train_loader = DataLoader(SonarTiles(CONFIG["n_tiles"]), batch_size=CONFIG["batch_size"], shuffle=True)
model = TinyUNet(len(CONFIG["classes"]))
criterion = nn.CrossEntropyLoss(ignore_index=CONFIG["nodata_label"])
optimizer = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])

for epoch in range(CONFIG["epochs"]):
    model.train()
    running, correct, counted = 0.0, 0, 0
    for backscatter, habitat in train_loader:
        logits = model(backscatter)
        loss = criterion(logits, habitat)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item()
        valid = habitat != CONFIG["nodata_label"]
        correct += (logits.argmax(1)[valid] == habitat[valid]).sum().item()
        counted += valid.sum().item()
    print(f"epoch {epoch}: loss {running / len(train_loader):.3f}  pixel acc {correct / counted:.3f}")

torch.save(model.state_dict(), os.path.join(tempfile.mkdtemp(), "seabed_unet.pt"))
