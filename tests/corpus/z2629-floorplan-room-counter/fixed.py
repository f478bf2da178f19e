from dataclasses import dataclass, field
from typing import List

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class FloorPlanConfig:
    img_size: int = 128
    in_channels: int = 1
    stage_channels: List[int] = field(default_factory=lambda: [8, 16, 32, 32])
    n_room_bins: int = 6          # 1..6 rooms
    dropout: float = 0.2
    batch_size: int = 16
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 11


def draw_plan(rng, size, n_rooms):
    """Rasterise a crude floor plan: outer wall + interior partitions splitting it into n_rooms."""
    img = np.zeros((size, size), dtype=np.float32)
    m = rng.integers(4, 12)
    img[m, m:size - m] = 1.0
    img[size - m - 1, m:size - m] = 1.0
    img[m:size - m, m] = 1.0
    img[m:size - m, size - m - 1] = 1.0
    xs = np.sort(rng.choice(np.arange(m + 8, size - m - 8), size=n_rooms - 1, replace=False))
    for x in xs:
        img[m:size - m, x] = 1.0
        door = rng.integers(m + 4, size - m - 12)
        img[door:door + 8, x] = 0.0
    img += rng.normal(0, 0.05, img.shape).astype(np.float32)
    return np.clip(img, 0, 1)


class FloorPlanDataset(Dataset):
    def __init__(self, cfg, n_items, seed):
        rng = np.random.default_rng(seed)
        self.labels = rng.integers(1, cfg.n_room_bins + 1, size=n_items)
        self.images = np.stack([draw_plan(rng, cfg.img_size, int(k)) for k in self.labels])

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        img = torch.from_numpy(self.images[idx]).unsqueeze(0)
        return img, int(self.labels[idx]) - 1


class ConvStage(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(c_out)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        return F.max_pool2d(x, 2)


class RoomCountNet(nn.Module):
    def __init__(self, cfg: FloorPlanConfig):
        super().__init__()
        stages = []
        c_in = cfg.in_channels
        for c_out in cfg.stage_channels:
            stages.append(ConvStage(c_in, c_out))
            c_in = c_out
        self.backbone = nn.Sequential(*stages)

        feat_hw = cfg.img_size // (2 ** len(cfg.stage_channels))
        self.flat_dim = cfg.stage_channels[-1] * feat_hw * feat_hw
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(cfg.dropout),
            nn.Linear(self.flat_dim, 128),
            nn.ReLU(inplace=True),
            nn.Linear(128, cfg.n_room_bins),
        )

    def forward(self, x):
        return self.head(self.backbone(x))


def run_epoch(model, loader, opt, device):
    model.train()
    total, hits, n = 0.0, 0, 0
    for imgs, target in loader:
        imgs, target = imgs.to(device), target.to(device)
        logits = model(imgs)
        loss = F.cross_entropy(logits, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * imgs.size(0)
        hits += (logits.argmax(1) == target).sum().item()
        n += imgs.size(0)
    return total / n, hits / n


def main():
    cfg = FloorPlanConfig()
    torch.manual_seed(cfg.seed)
    device = torch.device("cpu")

    train_ds = FloorPlanDataset(cfg, n_items=48, seed=cfg.seed)
    loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)

    model = RoomCountNet(cfg).to(device)
    print(f"RoomCountNet: {sum(p.numel() for p in model.parameters()):,} params, flat_dim={model.flat_dim}")
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        loss, acc = run_epoch(model, loader, opt, device)
        print(f"epoch {epoch + 1}/{cfg.epochs}  loss {loss:.4f}  acc {acc:.3f}")


if __name__ == "__main__":
    main()
