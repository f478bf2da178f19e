from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

DAMAGE_CLASSES = ["no_damage", "minor", "major", "destroyed"]


@dataclass
class DamageConfig:
    chip_size: int = 32
    in_bands: int = 3
    base_channels: int = 16
    embed_dim: int = 64
    head_hidden: int = 32
    dropout: float = 0.2
    batch_size: int = 16
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 11


def make_building_chips(cfg, n_buildings=128):
    rng = np.random.default_rng(cfg.seed)
    pre = rng.normal(0.4, 0.1, size=(n_buildings, cfg.in_bands, cfg.chip_size, cfg.chip_size)).astype(np.float32)
    labels = rng.integers(0, len(DAMAGE_CLASSES), size=n_buildings)
    post = pre.copy()
    for i, lvl in enumerate(labels):
        # debris / scorch: darken a central patch proportional to damage level
        half = cfg.chip_size // 2
        r = 2 + 4 * int(lvl)
        post[i, :, half - r:half + r, half - r:half + r] *= 1.0 - 0.2 * lvl
        post[i] += rng.normal(0, 0.03, size=post[i].shape).astype(np.float32)
    return torch.from_numpy(pre), torch.from_numpy(post), torch.from_numpy(labels).long()


class ChipEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg.base_channels
        self.features = nn.Sequential(
            nn.Conv2d(cfg.in_bands, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(c, 2 * c, 3, padding=1), nn.BatchNorm2d(2 * c), nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(2 * c, 4 * c, 3, padding=1), nn.BatchNorm2d(4 * c), nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d(1),
        )
        self.proj = nn.Linear(4 * c, cfg.embed_dim)

    def forward(self, x):
        return self.proj(self.features(x).flatten(1))


class SiameseDamageNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = ChipEncoder(cfg)
        self.head = nn.Sequential(
            nn.Linear(cfg.embed_dim * 3, cfg.head_hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.head_hidden, len(DAMAGE_CLASSES)),
        )

    def forward(self, pre, post):
        f_pre = self.encoder(pre)
        f_post = self.encoder(post)
        change = torch.cat([f_pre, f_post, f_post - f_pre], dim=1)
        return self.head(change)


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total_loss, n_correct, n_seen = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for pre, post, y in loader:
            logits = model(pre, post)
            loss = F.cross_entropy(logits, y)
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            total_loss += loss.item() * y.size(0)
            n_correct += (logits.argmax(1) == y).sum().item()
            n_seen += y.size(0)
    return total_loss / n_seen, n_correct / n_seen


def main():
    cfg = DamageConfig()
    torch.manual_seed(cfg.seed)
    pre, post, labels = make_building_chips(cfg)
    split = int(0.8 * len(labels))
    train_loader = DataLoader(TensorDataset(pre[:split], post[:split], labels[:split]),
                              batch_size=cfg.batch_size, shuffle=True)
    val_loader = DataLoader(TensorDataset(pre[split:], post[split:], labels[split:]),
                            batch_size=cfg.batch_size)

    model = SiameseDamageNet(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        tr_loss, tr_acc = run_epoch(model, train_loader, optimizer)
        va_loss, va_acc = run_epoch(model, val_loader)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
