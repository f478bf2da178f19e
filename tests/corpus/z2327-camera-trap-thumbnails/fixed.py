"""Camera-trap species classifier trained on the station's thumbnail export.

The trap firmware stores a small JPEG thumbnail for every trigger; we train a
compact CNN on those (empty / deer / boar / fox / badger) before running the
full-resolution model on the server.
"""
from dataclasses import dataclass, field
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class TrapConfig:
    classes: tuple = ("empty", "roe_deer", "wild_boar", "red_fox", "badger")
    thumb_size: int = 32
    in_channels: int = 3
    widths: list = field(default_factory=lambda: [16, 32, 48, 64, 96])
    batch_size: int = 16
    epochs: int = 2
    lr: float = 1e-3
    night_fraction: float = 0.4
    seed: int = 3


class ThumbnailDataset(Dataset):
    """Synthetic stand-in for the trigger thumbnails (RGB by day, IR greyscale by night)."""

    def __init__(self, cfg: TrapConfig, n: int):
        rng = np.random.default_rng(cfg.seed + n)
        s = cfg.thumb_size
        self.images = np.empty((n, cfg.in_channels, s, s), dtype=np.float32)
        self.labels = rng.integers(0, len(cfg.classes), size=n)
        for i in range(n):
            bg = rng.normal(0.35, 0.08, size=(cfg.in_channels, s, s))
            if rng.random() < cfg.night_fraction:
                bg[:] = bg.mean(axis=0, keepdims=True)
            c = self.labels[i]
            if c > 0:
                y0, x0 = rng.integers(0, s // 2, size=2)
                h = max(2, s // (2 + c % 3))
                bg[:, y0:y0 + h, x0:x0 + h] += 0.15 * c
            self.images[i] = np.clip(bg, 0.0, 1.0)
        self.mean = self.images.mean(axis=(0, 2, 3), keepdims=True)[0]
        self.std = self.images.std(axis=(0, 2, 3), keepdims=True)[0] + 1e-6

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = (self.images[i] - self.mean) / self.std
        return torch.from_numpy(x), int(self.labels[i])


def conv_block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class TrapNet(nn.Module):
    def __init__(self, cfg: TrapConfig):
        super().__init__()
        chans = [cfg.in_channels] + cfg.widths
        self.features = nn.Sequential(*[conv_block(a, b) for a, b in zip(chans[:-1], chans[1:])])
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(cfg.widths[-1], len(cfg.classes)))

    def forward(self, x):
        return self.head(self.gap(self.features(x)))


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            total += y.numel()
    return correct / total


def main():
    cfg = TrapConfig()
    torch.manual_seed(cfg.seed)
    train_ds = ThumbnailDataset(cfg, 96)
    val_ds = ThumbnailDataset(cfg, 32)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = TrapNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cfg.epochs):
        model.train()
        for x, y in train_dl:
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: last loss {loss.item():.3f}  val acc {evaluate(model, val_dl):.3f}")


if __name__ == "__main__":
    main()
