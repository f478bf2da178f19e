"""Single-category part segmentation (ShapeNet-Part layout) with a small PointNet.

Shapes are stored as .txt files with one point per line: x y z nx ny nz part_id,
as in shapenetcore_partanno_segmentation_benchmark.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEG_CLASSES = {
    "Airplane": [0, 1, 2, 3], "Bag": [4, 5], "Cap": [6, 7], "Car": [8, 9, 10, 11],
    "Chair": [12, 13, 14, 15], "Earphone": [16, 17, 18], "Guitar": [19, 20, 21],
}
CATEGORY = "Chair"
NUM_SAMPLE_POINTS = 512


def write_fake_shapes(root, category, n_shapes=12, seed=0):
    rng = np.random.default_rng(seed)
    part_ids = SEG_CLASSES[category]
    cat_dir = os.path.join(root, category)
    os.makedirs(cat_dir, exist_ok=True)
    for i in range(n_shapes):
        n = rng.integers(600, 900)
        xyz = rng.uniform(-1, 1, size=(n, 3))
        normals = rng.normal(size=(n, 3))
        normals /= np.linalg.norm(normals, axis=1, keepdims=True)
        # seat / back / legs / arms split roughly by height
        part = np.digitize(xyz[:, 1], [-0.4, 0.2, 0.6])
        labels = np.array(part_ids)[part]
        rows = np.concatenate([xyz, normals, labels[:, None]], axis=1)
        np.savetxt(os.path.join(cat_dir, f"{i:04d}.txt"), rows, fmt="%.5f")
    return cat_dir


class PartSegShapes(Dataset):
    def __init__(self, cat_dir, num_points):
        self.files = sorted(os.path.join(cat_dir, f) for f in os.listdir(cat_dir))
        self.num_points = num_points

    def __len__(self):
        return len(self.files)

    def __getitem__(self, idx):
        data = np.loadtxt(self.files[idx]).astype(np.float32)
        choice = np.random.choice(len(data), self.num_points, replace=len(data) < self.num_points)
        data = data[choice]
        pts = data[:, :6]
        pts[:, :3] -= pts[:, :3].mean(axis=0)
        pts[:, :3] /= np.max(np.linalg.norm(pts[:, :3], axis=1))
        seg = data[:, 6].astype(np.int64) - SEG_CLASSES[CATEGORY][0]
        return torch.from_numpy(pts), torch.from_numpy(seg)


class PointNetPartSeg(nn.Module):
    def __init__(self, num_parts, in_dim=6):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv1d(in_dim, 64, 1), nn.BatchNorm1d(64), nn.ReLU())
        self.enc2 = nn.Sequential(nn.Conv1d(64, 128, 1), nn.BatchNorm1d(128), nn.ReLU())
        self.enc3 = nn.Sequential(nn.Conv1d(128, 256, 1), nn.BatchNorm1d(256), nn.ReLU())
        self.seg = nn.Sequential(
            nn.Conv1d(64 + 128 + 256, 128, 1), nn.BatchNorm1d(128), nn.ReLU(),
            nn.Dropout(0.3), nn.Conv1d(128, num_parts, 1),
        )

    def forward(self, pts):
        x = pts.transpose(1, 2)
        f1 = self.enc1(x)
        f2 = self.enc2(f1)
        f3 = self.enc3(f2)
        g = f3.max(dim=2, keepdim=True).values.expand(-1, -1, x.shape[2])
        return self.seg(torch.cat([f1, f2, g], dim=1))


def mean_iou(pred, seg, num_parts):
    ious = []
    for p in range(num_parts):
        inter = ((pred == p) & (seg == p)).sum().item()
        union = ((pred == p) | (seg == p)).sum().item()
        ious.append(1.0 if union == 0 else inter / union)
    return sum(ious) / len(ious)


def main():
    torch.manual_seed(0)
    np.random.seed(0)
    root = tempfile.mkdtemp(prefix="shapenetpart_")
    cat_dir = write_fake_shapes(root, CATEGORY)

    num_parts = len(SEG_CLASSES[CATEGORY])
    loader = DataLoader(PartSegShapes(cat_dir, NUM_SAMPLE_POINTS), batch_size=4, shuffle=True)
    model = PointNetPartSeg(num_parts)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(2):
        model.train()
        for pts, seg in loader:
            logits = model(pts)                     # (B, num_parts, N)
            loss = criterion(logits, seg)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            pts, seg = next(iter(loader))
            pred = model(pts).argmax(dim=1)
        print(f"epoch {epoch}: loss {loss.item():.3f}  mIoU {mean_iou(pred, seg, num_parts):.3f}")


if __name__ == "__main__":
    main()
