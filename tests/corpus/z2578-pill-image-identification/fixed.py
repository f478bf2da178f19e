"""Pill identification from consumer photos: classify imprint/shape/colour
into NDC product classes with a small CNN."""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split


@dataclass
class PillConfig:
    n_products: int = 10
    image_size: int = 96          # resolution photos are stored at
    crop_size: int = 80           # center crop that removes the tray border
    channels: tuple = (16, 32, 48, 64)
    hidden: int = 128
    dropout: float = 0.3
    batch_size: int = 16
    lr: float = 2e-3
    epochs: int = 2
    seed: int = 2024
    ndc_codes: list = field(default_factory=lambda: [f"0093-{7000 + i:04d}" for i in range(10)])


def synth_pill_photos(cfg, n):
    """Ellipse-shaped pills of varying colour/aspect on a grey tray."""
    g = np.random.default_rng(cfg.seed)
    s = cfg.image_size
    yy, xx = np.mgrid[0:s, 0:s] / s - 0.5
    imgs = np.empty((n, 3, s, s), dtype=np.float32)
    labels = g.integers(0, cfg.n_products, size=n)
    for i, y in enumerate(labels):
        aspect = 1.0 + 0.15 * y
        r = 0.18 + 0.01 * (y % 4)
        colour = np.array([(y * 37 % 255), (y * 91 % 255), (y * 53 % 255)], dtype=np.float32) / 255
        mask = (xx / (r * aspect)) ** 2 + (yy / r) ** 2 < 1
        img = np.full((3, s, s), 0.55, dtype=np.float32)
        img[:, mask] = colour[:, None]
        img += g.normal(0, 0.05, size=img.shape).astype(np.float32)
        imgs[i] = img
    return torch.from_numpy(imgs), torch.from_numpy(labels).long()


def center_crop(x, size):
    h, w = x.shape[-2:]
    top, left = (h - size) // 2, (w - size) // 2
    return x[..., top:top + size, left:left + size]


def normalize(x):
    mean = x.mean(dim=(0, 2, 3), keepdim=True)
    std = x.std(dim=(0, 2, 3), keepdim=True)
    return (x - mean) / (std + 1e-6)


class PillNet(nn.Module):
    def __init__(self, cfg: PillConfig):
        super().__init__()
        blocks = []
        in_c = 3
        for out_c in cfg.channels:
            blocks += [
                nn.Conv2d(in_c, out_c, 3, padding=1),
                nn.BatchNorm2d(out_c),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(2),
            ]
            in_c = out_c
        self.features = nn.Sequential(*blocks)
        spatial = cfg.crop_size // (2 ** len(cfg.channels))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(cfg.channels[-1] * spatial * spatial, cfg.hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden, cfg.n_products),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def run_epoch(model, loader, opt=None):
    train = opt is not None
    model.train(train)
    tot_loss, tot_correct, tot = 0.0, 0, 0
    with torch.set_grad_enabled(train):
        for imgs, y in loader:
            logits = model(imgs)
            loss = F.cross_entropy(logits, y)
            if train:
                opt.zero_grad()
                loss.backward()
                opt.step()
            tot_loss += loss.item() * y.size(0)
            tot_correct += (logits.argmax(1) == y).sum().item()
            tot += y.size(0)
    return tot_loss / tot, tot_correct / tot


def main():
    cfg = PillConfig()
    torch.manual_seed(cfg.seed)

    photos, labels = synth_pill_photos(cfg, 192)
    photos = normalize(center_crop(photos, cfg.crop_size))
    ds = TensorDataset(photos, labels)
    train_ds, val_ds = random_split(ds, [160, 32], generator=torch.Generator().manual_seed(cfg.seed))
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = PillNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")

    model.eval()
    with torch.no_grad():
        pred = model(photos[:4]).argmax(1)
    print("predicted NDCs:", [cfg.ndc_codes[p] for p in pred.tolist()])


if __name__ == "__main__":
    main()
