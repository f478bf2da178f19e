"""PointNet part segmentation on a toy ShapeNet-part style set: each object category is built
from a few primitive parts, and every point carries a part label. The segmentation head sees
per-point features, the max-pooled global descriptor and the category one-hot."""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)


@dataclass
class PartSegConfig:
    num_points: int = 256
    num_categories: int = 3
    num_parts: int = 7
    point_dims: tuple = (64, 128)
    global_dim: int = 256
    head_dims: tuple = (128, 64)
    batch_size: int = 4
    steps: int = 20


# category -> list of (part_id, box centre, box half-extent)
PART_LAYOUT = {
    0: [(0, (0.0, 0.0, 0.0), (0.4, 0.4, 0.5)), (1, (0.55, 0.0, 0.1), (0.1, 0.05, 0.25))],          # mug
    1: [(2, (0.0, 0.0, -0.6), (0.3, 0.3, 0.05)), (3, (0.0, 0.0, 0.0), (0.04, 0.04, 0.6)),
        (4, (0.0, 0.0, 0.7), (0.35, 0.35, 0.15))],                                                    # lamp
    2: [(5, (0.0, 0.0, 0.0), (0.9, 0.15, 0.1)), (6, (0.0, 0.0, 0.05), (0.15, 0.8, 0.03))],          # plane
}


def sample_object(category, n_points):
    parts = PART_LAYOUT[category]
    per_part = torch.full((len(parts),), n_points // len(parts))
    per_part[: n_points - per_part.sum()] += 1
    xyz, seg = [], []
    for (part_id, centre, half), count in zip(parts, per_part.tolist()):
        pts = (torch.rand(count, 3) * 2 - 1) * torch.tensor(half) + torch.tensor(centre)
        xyz.append(pts)
        seg.append(torch.full((count,), part_id, dtype=torch.long))
    xyz, seg = torch.cat(xyz), torch.cat(seg)
    xyz = xyz - xyz.mean(dim=0)
    xyz = xyz / xyz.norm(dim=1).max()
    perm = torch.randperm(n_points)
    return xyz[perm], seg[perm]


def make_batch(cfg):
    cats = torch.randint(0, cfg.num_categories, (cfg.batch_size,))
    clouds, labels = zip(*(sample_object(c, cfg.num_points) for c in cats.tolist()))
    return torch.stack(clouds), torch.stack(labels), cats


class SharedMLP(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.conv = nn.Conv1d(in_ch, out_ch, 1)
        self.bn = nn.BatchNorm1d(out_ch)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class PointNetPartSeg(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        dims = (3,) + cfg.point_dims
        self.local_blocks = nn.ModuleList(SharedMLP(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.global_block = SharedMLP(cfg.point_dims[-1], cfg.global_dim)
        head_in = cfg.point_dims[0] + cfg.global_dim + cfg.num_categories
        layers, prev = [], head_in
        for width in cfg.head_dims:
            layers += [nn.Linear(prev, width), nn.ReLU(), nn.Dropout(0.2)]
            prev = width
        layers.append(nn.Linear(prev, cfg.num_parts))
        self.seg_head = nn.Sequential(*layers)

    def forward(self, xyz, category):
        x = xyz.transpose(1, 2)                       # (B, 3, N)
        local_feats = []
        for block in self.local_blocks:
            x = block(x)
            local_feats.append(x)
        glob = self.global_block(x).max(dim=2).values  # (B, global_dim)
        n = xyz.shape[1]
        onehot = F.one_hot(category, self.cfg.num_categories).float()
        fused = torch.cat([
            local_feats[0].transpose(1, 2),
            glob.unsqueeze(1).expand(-1, n, -1),
            onehot.unsqueeze(1).expand(-1, n, -1),
        ], dim=2)
        return self.seg_head(fused)                   # (B, N, num_parts)


def part_miou(pred, target, num_parts):
    ious = []
    for p in range(num_parts):
        inter = ((pred == p) & (target == p)).sum().item()
        union = ((pred == p) | (target == p)).sum().item()
        if union:
            ious.append(inter / union)
    return sum(ious) / max(len(ious), 1)


def main():
    cfg = PartSegConfig()
    model = PointNetPartSeg(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(cfg.steps):
        model.train()
        xyz, seg, cats = make_batch(cfg)
        logits = model(xyz, cats)
        loss = F.cross_entropy(logits.reshape(-1, cfg.num_parts), seg.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step:3d} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        xyz, seg, cats = make_batch(cfg)
        pred = model(xyz, cats).argmax(dim=-1)
    print(f"eval mIoU: {part_miou(pred, seg, cfg.num_parts):.3f}")


if __name__ == "__main__":
    main()
