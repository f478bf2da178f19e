"""Flood extent segmentation from Sentinel-1 SAR tiles (VV, VH) + DEM + HAND.

Classes: 0 = dry land, 1 = flood water, 2 = permanent water.
Model is built on the meta device first so we can check the parameter
budget for the edge box before allocating anything, then materialised.
"""
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class FloodConfig:
    in_channels: int = 4
    n_classes: int = 3
    base_width: int = 8
    tile_size: int = 32
    n_tiles: int = 24
    batch_size: int = 4
    epochs: int = 2
    lr: float = 2e-3
    init_device: str = "meta"
    train_device: str = "cpu"
    max_params: int = 250_000
    class_names: list = field(default_factory=lambda: ["dry", "flood", "perm_water"])


def seed_everything(seed=7):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class SyntheticSARTiles(Dataset):
    """Fake SAR backscatter: water is dark in VV/VH and sits low on the DEM."""

    def __init__(self, cfg, seed=0):
        rng = np.random.default_rng(seed)
        s = cfg.tile_size
        self.x, self.y = [], []
        yy, xx = np.mgrid[0:s, 0:s]
        for _ in range(cfg.n_tiles):
            dem = rng.normal(0, 1, (s, s)).cumsum(0) / 10 + yy / s
            river_col = rng.integers(4, s - 4)
            perm = np.abs(xx - river_col) < 2
            flood = (dem < np.quantile(dem, rng.uniform(0.1, 0.35))) & ~perm
            mask = np.zeros((s, s), dtype=np.int64)
            mask[flood] = 1
            mask[perm] = 2
            vv = rng.normal(-8, 2, (s, s))
            vv[mask > 0] = rng.normal(-20, 1.5, (mask > 0).sum())
            vh = vv - 6 + rng.normal(0, 1, (s, s))
            hand = np.clip(dem - dem.min(), 0, None)
            img = np.stack([vv / 25.0, vh / 25.0, dem, hand]).astype(np.float32)
            self.x.append(img)
            self.y.append(mask)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return torch.from_numpy(self.x[i]), torch.from_numpy(self.y[i])


def class_frequencies(ds, n_classes):
    counts = np.zeros(n_classes)
    for m in ds.y:
        counts += np.bincount(m.ravel(), minlength=n_classes)
    return counts / counts.sum()


def conv_block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class FloodUNet(nn.Module):
    def __init__(self, cfg: FloodConfig):
        super().__init__()
        w = cfg.base_width
        self.enc1 = conv_block(cfg.in_channels, w)
        self.enc2 = conv_block(w, 2 * w)
        self.bottleneck = conv_block(2 * w, 4 * w)
        self.up2 = nn.ConvTranspose2d(4 * w, 2 * w, 2, stride=2)
        self.dec2 = conv_block(4 * w, 2 * w)
        self.up1 = nn.ConvTranspose2d(2 * w, w, 2, stride=2)
        self.dec1 = conv_block(2 * w, w)
        self.head = nn.Conv2d(w, cfg.n_classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        b = self.bottleneck(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], 1))
        return self.head(d1)


def init_weights(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        m.reset_parameters()
        m.reset_running_stats()


def build_model_and_loss(cfg, class_freq):
    weights = 1.0 / np.maximum(class_freq, 1e-3)
    weights = weights / weights.sum() * cfg.n_classes
    with torch.device(cfg.init_device):
        model = FloodUNet(cfg)
        n_params = sum(p.numel() for p in model.parameters())
        if n_params > cfg.max_params:
            raise ValueError(f"model too big for edge deployment: {n_params}")
    criterion = nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32))
    model = model.to_empty(device=cfg.train_device)
    model.apply(init_weights)
    return model, criterion, n_params


def iou_per_class(pred, target, n_classes):
    out = []
    for c in range(n_classes):
        inter = ((pred == c) & (target == c)).sum().item()
        union = ((pred == c) | (target == c)).sum().item()
        out.append(inter / union if union else float("nan"))
    return out


def train(cfg):
    seed_everything()
    ds = SyntheticSARTiles(cfg)
    freq = class_frequencies(ds, cfg.n_classes)
    print("class frequencies:", dict(zip(cfg.class_names, freq.round(3).tolist())))
    model, criterion, n_params = build_model_and_loss(cfg, freq)
    print(f"FloodUNet params: {n_params}")
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for sar, mask in loader:
            sar, mask = sar.to(cfg.train_device), mask.to(cfg.train_device)
            logits = model(sar)
            loss = criterion(logits, mask)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        model.eval()
        with torch.no_grad():
            sar, mask = ds[0]
            pred = model(sar[None].to(cfg.train_device)).argmax(1)[0]
            ious = iou_per_class(pred, mask, cfg.n_classes)
        print(f"epoch {epoch}: loss={running / len(loader):.4f} "
              f"IoU={[round(v, 3) for v in ious]}")
    return model


if __name__ == "__main__":
    train(FloodConfig())
