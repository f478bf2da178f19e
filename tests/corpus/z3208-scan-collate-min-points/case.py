import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class TrainCfg:
    num_points: int = 1024
    num_classes: int = 6
    num_parts: int = 4
    batch_size: int = 8
    epochs: int = 1
    lr: float = 1e-3
    seed: int = 7


def make_synthetic_scans(n_scans, cfg, rng):
    scans = []
    for i in range(n_scans):
        n = int(rng.integers(700, 2200))
        cls = int(rng.integers(0, cfg.num_classes))
        xyz = rng.normal(size=(n, 3)).astype(np.float32)
        xyz[:, 2] *= 0.3 + 0.1 * cls
        parts = (np.digitize(xyz[:, 2], [-0.5, 0.0, 0.5])).astype(np.int64)
        scans.append({"xyz": xyz, "parts": parts, "cls": cls, "name": f"scan_{i:04d}"})
    return scans


def normalize_unit_sphere(xyz):
    centroid = xyz.mean(axis=0, keepdims=True)
    xyz = xyz - centroid
    scale = np.max(np.linalg.norm(xyz, axis=1))
    return xyz / max(scale, 1e-6)


def resample_cloud(xyz, parts, num_points, rng):
    n = xyz.shape[0]
    choice = rng.choice(n, min(n, num_points), replace=False)
    return xyz[choice], parts[choice]


class ScanPartDataset(Dataset):
    def __init__(self, scans, cfg, train=True):
        self.scans = scans
        self.cfg = cfg
        self.train = train
        self.rng = np.random.default_rng(cfg.seed)

    def __len__(self):
        return len(self.scans)

    def __getitem__(self, idx):
        s = self.scans[idx]
        xyz, parts = resample_cloud(s["xyz"], s["parts"], self.cfg.num_points, self.rng)
        xyz = normalize_unit_sphere(xyz)
        if self.train:
            theta = self.rng.uniform(0, 2 * math.pi)
            rot = np.array([[math.cos(theta), -math.sin(theta), 0],
                            [math.sin(theta), math.cos(theta), 0],
                            [0, 0, 1]], dtype=np.float32)
            xyz = xyz @ rot.T
            xyz = xyz + self.rng.normal(scale=0.01, size=xyz.shape)
        return {
            "points": torch.from_numpy(xyz.astype(np.float32)),
            "parts": torch.from_numpy(parts),
            "label": torch.tensor(s["cls"], dtype=torch.long),
        }


class SharedMLP(nn.Sequential):
    def __init__(self, dims):
        layers = []
        for a, b in zip(dims[:-1], dims[1:]):
            layers += [nn.Conv1d(a, b, 1), nn.BatchNorm1d(b), nn.ReLU(inplace=True)]
        super().__init__(*layers)


class PointNetPartSeg(nn.Module):
    def __init__(self, num_classes, num_parts):
        super().__init__()
        self.local = SharedMLP([3, 64, 64])
        self.glob = SharedMLP([64, 128, 256])
        self.cls_head = nn.Sequential(nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, num_classes))
        self.seg_head = nn.Sequential(SharedMLP([64 + 256, 128]), nn.Conv1d(128, num_parts, 1))

    def forward(self, pts):
        x = pts.transpose(1, 2)
        local = self.local(x)
        g = self.glob(local).max(dim=2, keepdim=True).values
        cls_logits = self.cls_head(g.squeeze(-1))
        seg_in = torch.cat([local, g.expand(-1, -1, local.shape[-1])], dim=1)
        seg_logits = self.seg_head(seg_in)
        return cls_logits, seg_logits


def run_epoch(model, loader, opt, device):
    model.train()
    total, seen = 0.0, 0
    for batch in loader:
        pts = batch["points"].to(device)
        parts = batch["parts"].to(device)
        label = batch["label"].to(device)
        cls_logits, seg_logits = model(pts)
        loss = F.cross_entropy(cls_logits, label) + F.cross_entropy(seg_logits, parts)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * pts.shape[0]
        seen += pts.shape[0]
    return total / max(seen, 1)


def main():
    cfg = TrainCfg()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    scans = make_synthetic_scans(48, cfg, rng)
    train_ds = ScanPartDataset(scans[:40], cfg, train=True)
    val_ds = ScanPartDataset(scans[40:], cfg, train=False)
    train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, drop_last=True)
    val_loader = DataLoader(val_ds, batch_size=cfg.batch_size)

    device = torch.device("cpu")
    model = PointNetPartSeg(cfg.num_classes, cfg.num_parts).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        loss = run_epoch(model, train_loader, opt, device)
        model.eval()
        correct, count = 0, 0
        with torch.no_grad():
            for batch in val_loader:
                cls_logits, _ = model(batch["points"])
                correct += (cls_logits.argmax(-1) == batch["label"]).sum().item()
                count += batch["label"].numel()
        print(f"epoch {epoch} loss {loss:.4f} val_acc {correct / max(count, 1):.3f}")


if __name__ == "__main__":
    main()
