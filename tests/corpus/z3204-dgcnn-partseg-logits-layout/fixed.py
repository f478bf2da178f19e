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
    num_points: int = 512
    k: int = 16
    num_parts: int = 13
    emb_dims: int = 128
    batch_size: int = 4
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 7


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class SyntheticPartClouds(Dataset):
    """Random blobs with per-point part labels; clouds have varying sizes."""

    def __init__(self, n_clouds, num_points, num_parts, rng):
        self.items = []
        for _ in range(n_clouds):
            n = int(rng.integers(num_points // 2, num_points * 2))
            centers = rng.normal(size=(num_parts, 3)).astype(np.float32)
            part = rng.integers(0, num_parts, size=n)
            xyz = centers[part] + 0.1 * rng.normal(size=(n, 3)).astype(np.float32)
            self.items.append((xyz, part))
        self.num_points = num_points

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        xyz, part = self.items[idx]
        n = xyz.shape[0]
        if n >= self.num_points:
            sel = np.random.permutation(n)[: self.num_points]
        else:
            sel = np.concatenate([np.arange(n), np.random.randint(0, n, self.num_points - n)])
        pts = xyz[sel]
        pts = pts - pts.mean(axis=0, keepdims=True)
        pts = pts / (np.linalg.norm(pts, axis=1).max() + 1e-6)
        return {"xyz": torch.from_numpy(pts), "seg": torch.from_numpy(part[sel]).long()}


def knn(x, k):
    # x: (B, C, N)
    pts = x.transpose(1, 2).contiguous()
    dist = torch.cdist(pts, pts)
    return dist.topk(k=k, dim=-1, largest=False).indices


def graph_feature(x, k):
    B, C, N = x.shape
    idx = knn(x, k)
    base = torch.arange(B, device=x.device).view(-1, 1, 1) * N
    flat = (idx + base).view(-1)
    xt = x.transpose(1, 2).contiguous()
    nbrs = xt.view(B * N, C)[flat].view(B, N, k, C)
    center = xt.unsqueeze(2).expand(-1, -1, k, -1)
    edge = torch.cat([nbrs - center, center], dim=3)
    return edge.permute(0, 3, 1, 2).contiguous()


class EdgeConv(nn.Module):
    def __init__(self, cin, cout, k):
        super().__init__()
        self.k = k
        self.mlp = nn.Sequential(
            nn.Conv2d(2 * cin, cout, 1, bias=False),
            nn.BatchNorm2d(cout),
            nn.LeakyReLU(0.2),
        )

    def forward(self, x):
        return self.mlp(graph_feature(x, self.k)).max(dim=-1).values


class DGCNNSeg(nn.Module):
    def __init__(self, cfg: TrainCfg):
        super().__init__()
        self.ec1 = EdgeConv(3, 64, cfg.k)
        self.ec2 = EdgeConv(64, 64, cfg.k)
        self.ec3 = EdgeConv(64, 64, cfg.k)
        self.fuse = nn.Sequential(nn.Conv1d(192, cfg.emb_dims, 1, bias=False),
                                  nn.BatchNorm1d(cfg.emb_dims), nn.LeakyReLU(0.2))
        self.head = nn.Sequential(
            nn.Linear(192 + cfg.emb_dims, 128),
            nn.LeakyReLU(0.2),
            nn.Dropout(0.3),
            nn.Linear(128, cfg.num_parts),
        )

    def forward(self, xyz):
        x = xyz.transpose(1, 2)
        f1 = self.ec1(x)
        f2 = self.ec2(f1)
        f3 = self.ec3(f2)
        local = torch.cat([f1, f2, f3], dim=1)
        glob = self.fuse(local).max(dim=-1, keepdim=True).values
        glob = glob.expand(-1, -1, local.shape[-1])
        per_point = torch.cat([local, glob], dim=1).transpose(1, 2)
        return self.head(per_point).transpose(1, 2)


def mean_iou(pred, target, num_parts):
    ious = []
    for p in range(num_parts):
        inter = ((pred == p) & (target == p)).sum().item()
        union = ((pred == p) | (target == p)).sum().item()
        if union:
            ious.append(inter / union)
    return sum(ious) / max(len(ious), 1)


def main():
    cfg = TrainCfg()
    set_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    train_ds = SyntheticPartClouds(16, cfg.num_points, cfg.num_parts, rng)
    loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, drop_last=True)

    model = DGCNNSeg(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg.epochs * len(loader))

    for epoch in range(cfg.epochs):
        model.train()
        running, seen = 0.0, 0
        for batch in loader:
            logits = model(batch["xyz"])
            loss = F.cross_entropy(logits, batch["seg"], label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            running += loss.item() * batch["xyz"].shape[0]
            seen += batch["xyz"].shape[0]
        model.eval()
        with torch.no_grad():
            batch = next(iter(loader))
            pred = model(batch["xyz"]).argmax(dim=1)
            miou = mean_iou(pred, batch["seg"], cfg.num_parts)
        print(f"epoch {epoch} loss {running / seen:.4f} mIoU {miou:.3f} lr {sched.get_last_lr()[0]:.2e}")


if __name__ == "__main__":
    main()
