"""Page-layout classifier for scanned resumes.

Routes each page thumbnail to the right extraction strategy before OCR:
single-column, two-column, table-heavy, or photo-header templates.
"""
from dataclasses import dataclass, field
from typing import List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

LAYOUTS = ["single_column", "two_column", "table_heavy", "photo_header"]


@dataclass
class LayoutConfig:
    render_size: Tuple[int, int] = (220, 170)   # ~ letter page at low dpi
    thumb_size: Tuple[int, int] = (48, 36)
    channels: List[int] = field(default_factory=lambda: [1, 16, 32, 64, 96])
    kernel_size: int = 5
    conv_padding: int = 2
    dropout: float = 0.1
    batch_size: int = 32
    n_pages: int = 160
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 11


def render_page(layout, size, rng):
    h, w = size
    page = np.ones((h, w), dtype=np.float32)
    margin = int(0.08 * w)

    def text_block(y0, y1, x0, x1):
        for y in range(y0, y1, 6):
            line_end = x0 + int((x1 - x0) * rng.uniform(0.6, 1.0))
            page[y:y + 3, x0:line_end] = rng.uniform(0.0, 0.3)

    if layout == "single_column":
        text_block(margin, h - margin, margin, w - margin)
    elif layout == "two_column":
        mid = w // 3
        text_block(margin, h - margin, margin, mid - 4)
        text_block(margin, h - margin, mid + 4, w - margin)
    elif layout == "table_heavy":
        text_block(margin, h // 3, margin, w - margin)
        for y in range(h // 3, h - margin, 14):
            page[y, margin:w - margin] = 0.0
        for x in np.linspace(margin, w - margin, 4).astype(int):
            page[h // 3:h - margin, x] = 0.0
    elif layout == "photo_header":
        page[margin:margin + 40, margin:margin + 32] = rng.uniform(0.2, 0.5, size=(40, 32))
        text_block(margin, margin + 40, margin + 40, w - margin)
        text_block(margin + 50, h - margin, margin, w - margin)
    page += rng.normal(0, 0.04, size=page.shape).astype(np.float32)
    return np.clip(page, 0.0, 1.0)


class ScannedResumePages(Dataset):
    def __init__(self, cfg: LayoutConfig):
        rng = np.random.default_rng(cfg.seed)
        self.thumb_size = cfg.thumb_size
        self.labels = rng.integers(0, len(LAYOUTS), size=cfg.n_pages)
        self.pages = [render_page(LAYOUTS[y], cfg.render_size, rng) for y in self.labels]

    def __len__(self):
        return len(self.pages)

    def __getitem__(self, idx):
        img = torch.from_numpy(self.pages[idx])[None, None]
        thumb = F.interpolate(img, size=self.thumb_size, mode="area")[0]
        thumb = (thumb - 0.5) / 0.5
        return thumb, int(self.labels[idx])


def conv_block(c_in, c_out, k, pad):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size=k, padding=pad, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class LayoutNet(nn.Module):
    def __init__(self, cfg: LayoutConfig, n_classes: int):
        super().__init__()
        chans = cfg.channels
        self.features = nn.Sequential(*[
            conv_block(chans[i], chans[i + 1], cfg.kernel_size, cfg.conv_padding)
            for i in range(len(chans) - 1)
        ])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(cfg.dropout),
                                        nn.Linear(chans[-1], n_classes))

    def forward(self, x):
        return self.classifier(self.pool(self.features(x)))


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            total += y.numel()
    return correct / max(total, 1)


def main():
    cfg = LayoutConfig()
    torch.manual_seed(cfg.seed)
    ds = ScannedResumePages(cfg)
    n_val = len(ds) // 5
    train_ds, val_ds = torch.utils.data.random_split(ds, [len(ds) - n_val, n_val])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = LayoutNet(cfg, len(LAYOUTS))
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        for x, y in train_dl:
            loss = criterion(model(x), y)
            optim.zero_grad()
            loss.backward()
            optim.step()
        print(f"epoch {epoch}: last loss {loss.item():.4f}  val acc {evaluate(model, val_dl):.3f}")


if __name__ == "__main__":
    main()
