import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(7)
torch.manual_seed(7)

LAND_COVER = {"water": (20, 60, 140), "forest": (30, 110, 40), "urban": (150, 150, 150), "cropland": (190, 170, 70)}
TILE = 32


def make_tile(base_rgb):
    tile = np.ones((TILE, TILE, 3), dtype=np.float32) * np.array(base_rgb, dtype=np.float32)
    tile += rng.normal(0, 25, size=tile.shape).astype(np.float32)
    return np.clip(tile, 0, 255).astype(np.uint8)


class TileDataset(Dataset):
    def __init__(self, per_class=10):
        self.classes = sorted(LAND_COVER)
        self.samples = [(make_tile(LAND_COVER[c]), i) for i, c in enumerate(self.classes) for _ in range(per_class)]
        self.mean = torch.tensor([0.45, 0.45, 0.40]).view(3, 1, 1)
        self.std = torch.tensor([0.25, 0.25, 0.25]).view(3, 1, 1)

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        hwc, cls = self.samples[i]
        chw = torch.from_numpy(hwc).permute(2, 0, 1).float() / 255.0
        return (chw - self.mean) / self.std, cls


class SmallCNN(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1),
        )
        self.fc = nn.Linear(32, n_classes)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))


def run_epoch(model, loader, opt):
    model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for tiles, target in loader:
        tiles = tiles.permute(0, 3, 1, 2).contiguous()
        logits = model(tiles)
        loss = F.cross_entropy(logits, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss_sum += loss.item() * len(target)
        correct += (logits.argmax(1) == target).sum().item()
        total += len(target)
    return loss_sum / total, correct / total


ds = TileDataset()
loader = DataLoader(ds, batch_size=8, shuffle=True)
model = SmallCNN(len(ds.classes))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for epoch in range(3):
    loss, acc = run_epoch(model, loader, opt)
    print(f"epoch {epoch}: loss={loss:.3f} acc={acc:.2f}")
