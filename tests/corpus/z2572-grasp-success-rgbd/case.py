import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader, random_split


@dataclass
class GraspConfig:
    img_size: int = 64
    in_channels: int = 4          # RGB + depth
    conv_widths: tuple = (16, 32, 64)
    pose_dim: int = 6             # gripper pose: xyz + roll/pitch/yaw
    fusion_hidden: int = 128
    dropout: float = 0.2
    batch_size: int = 16
    lr: float = 3e-4
    epochs: int = 2
    n_samples: int = 256
    seed: int = 7


def euler_to_quat(roll, pitch, yaw):
    cr, sr = math.cos(roll / 2), math.sin(roll / 2)
    cp, sp = math.cos(pitch / 2), math.sin(pitch / 2)
    cy, sy = math.cos(yaw / 2), math.sin(yaw / 2)
    return [
        cr * cp * cy + sr * sp * sy,
        sr * cp * cy - cr * sp * sy,
        cr * sp * cy + sr * cp * sy,
        cr * cp * sy - sr * sp * cy,
    ]


class SyntheticGraspDataset(Dataset):
    """Top-down RGB-D crops around a candidate grasp + the gripper pose at approach."""

    def __init__(self, cfg: GraspConfig):
        rng = np.random.default_rng(cfg.seed)
        self.images = rng.random((cfg.n_samples, cfg.in_channels, cfg.img_size, cfg.img_size), dtype=np.float32)
        self.poses = []
        self.labels = []
        for i in range(cfg.n_samples):
            xyz = rng.uniform([-0.3, -0.3, 0.02], [0.3, 0.3, 0.25])
            rpy = rng.uniform(-math.pi, math.pi, size=3)
            quat = euler_to_quat(*rpy)
            # quaternions avoid the wrap-around at +-pi for yaw
            self.poses.append(np.concatenate([xyz, quat]).astype(np.float32))
            depth_center = self.images[i, 3, 28:36, 28:36].mean()
            self.labels.append(float(depth_center > 0.5 and xyz[2] < 0.15))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return (
            torch.from_numpy(self.images[idx]),
            torch.from_numpy(self.poses[idx]),
            torch.tensor(self.labels[idx]),
        )


class ConvEncoder(nn.Module):
    def __init__(self, in_ch, widths):
        super().__init__()
        layers = []
        prev = in_ch
        for w in widths:
            layers += [nn.Conv2d(prev, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            prev = w
        self.net = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.out_dim = prev

    def forward(self, x):
        return self.pool(self.net(x)).flatten(1)


class GraspSuccessNet(nn.Module):
    def __init__(self, cfg: GraspConfig):
        super().__init__()
        self.encoder = ConvEncoder(cfg.in_channels, cfg.conv_widths)
        fused_dim = self.encoder.out_dim + cfg.pose_dim
        self.head = nn.Sequential(
            nn.Linear(fused_dim, cfg.fusion_hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.fusion_hidden, 1),
        )

    def forward(self, rgbd, pose):
        feat = self.encoder(rgbd)
        fused = torch.cat([feat, pose], dim=-1)
        return self.head(fused).squeeze(-1)


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for rgbd, pose, y in loader:
            pred = (torch.sigmoid(model(rgbd, pose)) > 0.5).float()
            correct += (pred == y).sum().item()
            total += y.numel()
    return correct / max(total, 1)


def main():
    cfg = GraspConfig()
    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)

    ds = SyntheticGraspDataset(cfg)
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val], generator=torch.Generator().manual_seed(cfg.seed))
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = GraspSuccessNet(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    pos_frac = sum(ds.labels) / len(ds.labels)
    pos_weight = torch.tensor((1 - pos_frac) / max(pos_frac, 1e-3))

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for step, (rgbd, pose, y) in enumerate(train_dl):
            logits = model(rgbd, pose)
            loss = F.binary_cross_entropy_with_logits(logits, y, pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch} loss {running / (step + 1):.4f} val_acc {acc:.3f}")


if __name__ == "__main__":
    main()
