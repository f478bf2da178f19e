from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

CLASSES = ("car", "pedestrian", "cyclist", "truck")


@dataclass
class ObjectCrop:
    points: np.ndarray
    label: int
    frame_id: int
    extra: dict = field(default_factory=dict)


def simulate_frame_crops(frame_id, rng):
    crops = []
    for _ in range(int(rng.integers(2, 5))):
        label = int(rng.integers(len(CLASSES)))
        distance = rng.uniform(5, 60)
        n_pts = max(12, int(4000 / distance ** 1.2 * (1 + label)))
        size = np.array([4.0, 0.6, 1.8, 8.0])[label]
        xyz = rng.uniform(-0.5, 0.5, size=(n_pts, 3)) * np.array([size, size * 0.4, 1.5])
        intensity = rng.uniform(0, 1, size=(n_pts, 1))
        crops.append(ObjectCrop(np.hstack([xyz, intensity]).astype(np.float32), label, frame_id,
                                {"distance": distance}))
    return crops


class CropDataset(Dataset):
    def __init__(self, crops, num_points, train):
        self.crops = crops
        self.num_points = num_points
        self.train = train
        self.rng = np.random.default_rng(123 if train else 456)

    def __len__(self):
        return len(self.crops)

    def __getitem__(self, idx):
        crop = self.crops[idx]
        pts = crop.points
        sel = self.rng.choice(len(pts), self.num_points, replace=len(pts) < self.num_points)
        pts = pts[sel].copy()
        pts[:, :3] -= pts[:, :3].mean(0)
        if self.train:
            theta = self.rng.uniform(0, 2 * np.pi)
            c, s = np.cos(theta), np.sin(theta)
            rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], dtype=np.float32)
            pts[:, :3] = pts[:, :3] @ rot.T
        return torch.from_numpy(pts), crop.label


class PointNetCls(nn.Module):
    def __init__(self, in_dim=4, n_classes=len(CLASSES)):
        super().__init__()
        self.feat = nn.Sequential(
            nn.Conv1d(in_dim, 64, 1), nn.BatchNorm1d(64), nn.ReLU(),
            nn.Conv1d(64, 128, 1), nn.BatchNorm1d(128), nn.ReLU(),
            nn.Conv1d(128, 256, 1), nn.BatchNorm1d(256), nn.ReLU(),
        )
        self.cls = nn.Sequential(nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, n_classes))

    def forward(self, x):
        f = self.feat(x.transpose(1, 2))
        return self.cls(f.max(dim=2).values)


def split_by_frame(crops, val_frames):
    train = [c for c in crops if c.frame_id not in val_frames]
    val = [c for c in crops if c.frame_id in val_frames]
    return train, val


def class_weights(crops):
    counts = np.bincount([c.label for c in crops], minlength=len(CLASSES)).astype(np.float64)
    w = counts.sum() / np.maximum(counts, 1) / len(CLASSES)
    return torch.tensor(w, dtype=torch.float32)


def main():
    rng = np.random.default_rng(7)
    torch.manual_seed(7)
    crops = [c for f in range(40) for c in simulate_frame_crops(f, rng)]
    train_crops, val_crops = split_by_frame(crops, val_frames=set(range(32, 40)))
    print(f"{len(train_crops)} train crops, {len(val_crops)} val crops, "
          f"points per crop {min(len(c.points) for c in crops)}..{max(len(c.points) for c in crops)}")

    num_points = 128
    train_dl = DataLoader(CropDataset(train_crops, num_points, train=True), batch_size=16, shuffle=True)
    val_dl = DataLoader(CropDataset(val_crops, num_points, train=False), batch_size=16)

    model = PointNetCls()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    weights = class_weights(train_crops)

    for epoch in range(3):
        model.train()
        losses = []
        for pts, y in train_dl:
            loss = F.cross_entropy(model(pts), y, weight=weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        model.eval()
        hits = n = 0
        with torch.no_grad():
            for pts, y in val_dl:
                hits += (model(pts).argmax(1) == y).sum().item()
                n += len(y)
        print(f"epoch {epoch}: loss {np.mean(losses):.3f}, val acc {hits / n:.3f}")


if __name__ == "__main__":
    main()
