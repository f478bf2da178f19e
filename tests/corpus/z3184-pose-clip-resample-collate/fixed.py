"""Skeleton-based action classification with a temporal conv net.

Clips are (frames, joints, 3) keypoint arrays of varying length; every clip
is brought to CONFIG["num_frames"] frames before batching.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

CONFIG = {
    "seed": 7,
    "num_joints": 17,
    "coords": 3,
    "num_classes": 5,
    "num_frames": 48,
    "min_len": 30,
    "max_len": 90,
    "train_clips": 64,
    "batch_size": 8,
    "hidden": 64,
    "epochs": 2,
    "lr": 1e-3,
}

COCO_EDGES = [(0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (5, 7), (7, 9), (6, 8),
              (8, 10), (5, 11), (6, 12), (11, 12), (11, 13), (13, 15), (12, 14), (14, 16)]


def make_synthetic_clips(n, cfg, rng):
    clips, labels = [], []
    for _ in range(n):
        length = int(rng.integers(cfg["min_len"], cfg["max_len"] + 1))
        label = int(rng.integers(cfg["num_classes"]))
        t = np.linspace(0, 2 * np.pi, length)[:, None, None]
        base = rng.normal(size=(1, cfg["num_joints"], cfg["coords"]))
        motion = np.sin(t * (label + 1)) * 0.3
        noise = rng.normal(scale=0.05, size=(length, cfg["num_joints"], cfg["coords"]))
        clips.append((base + motion + noise).astype(np.float32))
        labels.append(label)
    return clips, labels


def center_on_hips(clip):
    hips = clip[:, [11, 12], :].mean(axis=1, keepdims=True)
    return clip - hips


def resample_clip(clip, target):
    src = np.linspace(0, len(clip) - 1, target)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, len(clip) - 1)
    w = (src - lo)[:, None, None]
    return (1 - w) * clip[lo] + w * clip[hi]


def fit_length(clip, target):
    if len(clip) != target:
        return resample_clip(clip, target)
    return clip


class PoseClipDataset(Dataset):
    def __init__(self, clips, labels, cfg):
        self.clips = clips
        self.labels = labels
        self.cfg = cfg

    def __len__(self):
        return len(self.clips)

    def __getitem__(self, idx):
        clip = center_on_hips(self.clips[idx])
        clip = fit_length(clip, self.cfg["num_frames"])
        x = torch.from_numpy(clip.astype(np.float32))
        return x, torch.tensor(self.labels[idx])


class TemporalConvNet(nn.Module):
    def __init__(self, num_joints, coords, hidden, num_classes):
        super().__init__()
        in_ch = num_joints * coords
        self.blocks = nn.Sequential(
            nn.Conv1d(in_ch, hidden, kernel_size=5, padding=2),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Conv1d(hidden, hidden, kernel_size=5, padding=4, dilation=2),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
        )
        self.head = nn.Linear(hidden, num_classes)

    def forward(self, x):
        b, t, j, c = x.shape
        h = x.reshape(b, t, j * c).transpose(1, 2)
        h = self.blocks(h)
        return self.head(h.mean(dim=-1))


def train_epoch(model, loader, optim):
    model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for x, y in loader:
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        optim.zero_grad()
        loss.backward()
        optim.step()
        loss_sum += loss.item() * len(y)
        correct += (logits.argmax(-1) == y).sum().item()
        total += len(y)
    return loss_sum / total, correct / total


def main(cfg):
    rng = np.random.default_rng(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    clips, labels = make_synthetic_clips(cfg["train_clips"], cfg, rng)
    print(f"{len(clips)} clips, lengths {min(map(len, clips))}..{max(map(len, clips))}")

    ds = PoseClipDataset(clips, labels, cfg)
    loader = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True)
    model = TemporalConvNet(cfg["num_joints"], cfg["coords"], cfg["hidden"], cfg["num_classes"])
    optim = torch.optim.Adam(model.parameters(), lr=cfg["lr"])

    for epoch in range(cfg["epochs"]):
        loss, acc = train_epoch(model, loader, optim)
        print(f"epoch {epoch}: loss={loss:.4f} acc={acc:.3f}")


if __name__ == "__main__":
    main(CONFIG)
