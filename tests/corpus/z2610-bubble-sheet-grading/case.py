"""Optical mark recognition for scanned paper quizzes.

Each answer row on the sheet is cut into per-option crops; a small CNN
decides whether a bubble is filled, half-erased, or empty.
"""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

STATES = ["empty", "erased", "filled"]


@dataclass
class OMRConfig:
    sheet_dpi: int = 150
    bubble_mm: float = 4.0
    crop_margin_px: int = 0
    channels: list = field(default_factory=lambda: [16, 32, 48, 64, 64])
    dropout: float = 0.25
    batch_size: int = 32
    lr: float = 2e-3
    epochs: int = 3

    @property
    def crop_px(self):
        bubble_px = int(round(self.bubble_mm / 25.4 * self.sheet_dpi))
        return bubble_px + 2 * self.crop_margin_px


def render_bubble(size, state):
    yy, xx = np.mgrid[0:size, 0:size]
    c = (size - 1) / 2.0
    r = np.sqrt((yy - c) ** 2 + (xx - c) ** 2)
    ring = (np.abs(r - 0.4 * size) < 1.0).astype(np.float32)
    fill = (r < 0.4 * size).astype(np.float32)
    img = ring * 0.8
    if state == 2:
        img = np.maximum(img, fill * rng.uniform(0.7, 1.0))
    elif state == 1:
        img = np.maximum(img, fill * rng.uniform(0.15, 0.35))
    img += rng.normal(0, 0.08, size=img.shape).astype(np.float32)
    return np.clip(img, 0, 1)


def synth_sheet_crops(n, size):
    labels = rng.integers(0, len(STATES), size=n)
    imgs = np.stack([render_bubble(size, s) for s in labels])[:, None]
    return torch.from_numpy(imgs.astype(np.float32)), torch.from_numpy(labels).long()


def init_params(cfg):
    params = {}
    in_ch = 1
    for i, out_ch in enumerate(cfg.channels):
        w = torch.empty(out_ch, in_ch, 3, 3)
        nn.init.kaiming_normal_(w, nonlinearity="relu")
        params[f"conv{i}.w"] = w.requires_grad_()
        params[f"conv{i}.b"] = torch.zeros(out_ch, requires_grad=True)
        in_ch = out_ch
    fc = torch.empty(len(STATES), in_ch)
    nn.init.xavier_uniform_(fc)
    params["fc.w"] = fc.requires_grad_()
    params["fc.b"] = torch.zeros(len(STATES), requires_grad=True)
    return params


def forward(params, x, cfg, train=True):
    for i in range(len(cfg.channels)):
        x = F.conv2d(x, params[f"conv{i}.w"], params[f"conv{i}.b"], padding=1)
        x = F.relu(x)
        x = F.max_pool2d(x, kernel_size=2)
    x = x.flatten(1)
    x = F.dropout(x, p=cfg.dropout, training=train)
    return F.linear(x, params["fc.w"], params["fc.b"])


def run_epoch(params, opt, imgs, labels, cfg):
    perm = torch.randperm(len(imgs))
    total, correct = 0.0, 0
    for start in range(0, len(imgs), cfg.batch_size):
        idx = perm[start:start + cfg.batch_size]
        logits = forward(params, imgs[idx], cfg, train=True)
        loss = F.cross_entropy(logits, labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
        correct += (logits.argmax(1) == labels[idx]).sum().item()
    return total / len(imgs), correct / len(imgs)


def main():
    cfg = OMRConfig()
    print(f"crop size: {cfg.crop_px}px, conv stages: {len(cfg.channels)}")
    train_x, train_y = synth_sheet_crops(384, cfg.crop_px)
    test_x, test_y = synth_sheet_crops(96, cfg.crop_px)

    params = init_params(cfg)
    opt = torch.optim.Adam(params.values(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        loss, acc = run_epoch(params, opt, train_x, train_y, cfg)
        print(f"epoch {epoch}: loss {loss:.3f} train acc {acc:.3f}")

    with torch.no_grad():
        pred = forward(params, test_x, cfg, train=False).argmax(1)
    print("test acc:", (pred == test_y).float().mean().item())


if __name__ == "__main__":
    main()
