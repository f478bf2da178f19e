"""Ground / non-ground segmentation of rotating-LiDAR sweeps.

Each sweep is an (N, 4) array of x, y, z, intensity with N varying per frame.
Frames are written to a scratch dir as .npy, the way the real KITTI-style
converter dumps them, and read back by the Dataset.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SWEEP_POINTS = 2048
MAX_RANGE_M = 40.0
SENSOR_HEIGHT = 1.73


def write_fake_sweeps(root, n_frames=12, seed=0):
    rng = np.random.default_rng(seed)
    for f in range(n_frames):
        n = int(rng.integers(3500, 6000))
        r = rng.uniform(2.0, 70.0, n)
        az = rng.uniform(-np.pi, np.pi, n)
        z = np.where(rng.random(n) < 0.55,
                     -SENSOR_HEIGHT + rng.normal(0, 0.03, n),
                     rng.uniform(-1.5, 2.0, n))
        inten = rng.uniform(0, 1, n)
        cloud = np.stack([r * np.cos(az), r * np.sin(az), z, inten], 1).astype(np.float32)
        np.save(os.path.join(root, f"{f:06d}.npy"), cloud)


def sample_points(cloud, k, rng):
    replace = cloud.shape[0] < k
    keep = rng.choice(cloud.shape[0], k, replace=replace)
    return cloud[keep]


def crop_to_range(cloud, max_range):
    dist = np.linalg.norm(cloud[:, :2], axis=1)
    return cloud[dist < max_range]


def ground_labels(cloud):
    return (cloud[:, 2] < -SENSOR_HEIGHT + 0.15).astype(np.int64)


class SweepDataset(Dataset):
    def __init__(self, root, seed=0):
        self.files = sorted(os.path.join(root, f) for f in os.listdir(root))
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        cloud = np.load(self.files[i])
        cloud = sample_points(cloud, SWEEP_POINTS, self.rng)
        cloud = crop_to_range(cloud, MAX_RANGE_M)
        labels = ground_labels(cloud)
        cloud[:, :3] /= MAX_RANGE_M
        return torch.from_numpy(cloud), torch.from_numpy(labels)


class GroundNet(nn.Module):
    def __init__(self, in_dim=4, width=64):
        super().__init__()
        self.point_mlp = nn.Sequential(
            nn.Conv1d(in_dim, width, 1), nn.BatchNorm1d(width), nn.ReLU(),
            nn.Conv1d(width, width * 2, 1), nn.BatchNorm1d(width * 2), nn.ReLU(),
        )
        self.seg = nn.Sequential(
            nn.Conv1d(width * 4, width, 1), nn.BatchNorm1d(width), nn.ReLU(),
            nn.Conv1d(width, 2, 1),
        )

    def forward(self, sweep):
        x = self.point_mlp(sweep.transpose(1, 2))          # (B, 2w, N)
        ctx = x.max(dim=2, keepdim=True).values.expand_as(x)
        return self.seg(torch.cat([x, ctx], dim=1))        # (B, 2, N)


def main():
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as root:
        write_fake_sweeps(root)
        loader = DataLoader(SweepDataset(root), batch_size=4, shuffle=True)

        net = GroundNet()
        opt = torch.optim.AdamW(net.parameters(), lr=2e-3)
        loss_fn = nn.CrossEntropyLoss()

        for epoch in range(3):
            correct = total = 0
            for sweeps, is_ground in loader:
                logits = net(sweeps)
                loss = loss_fn(logits, is_ground)
                opt.zero_grad()
                loss.backward()
                opt.step()
                correct += (logits.argmax(1) == is_ground).sum().item()
                total += is_ground.numel()
            print(f"epoch {epoch}  loss {loss.item():.3f}  acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
