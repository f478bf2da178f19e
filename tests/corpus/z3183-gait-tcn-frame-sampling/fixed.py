"""Gait pathology classification from 2D pose tracks with a dilated temporal conv net.

Clips are (frames, joints, 2) keypoint arrays of walking sequences of varying length.
For training, each clip is reduced to a fixed number of frames by random temporal
sampling (sorted frame indices), a common augmentation for skeleton action models.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

CONFIG = {
    "seed": 21,
    "joints": 13,
    "n_classes": 4,
    "clips": 64,
    "len_range": (36, 120),
    "sample_frames": 48,
    "tcn_channels": 48,
    "dilations": (1, 2, 4),
    "batch_size": 16,
    "epochs": 3,
    "lr": 2e-3,
}

LOWER_BODY = [(0, 1), (1, 2), (0, 3), (3, 4), (4, 5), (0, 6), (6, 7), (7, 8), (3, 9), (6, 10), (9, 11), (10, 12)]


def joint_adjacency(n_joints, edges):
    A = np.zeros((n_joints, n_joints), dtype=np.float32)
    for a, b in edges:
        A[a, b] = A[b, a] = 1.0
    return A


def walk_cycle(rng, n_frames, n_joints, cls):
    stride = 0.6 + 0.15 * cls
    asym = 0.1 * cls
    t = np.arange(n_frames) / 25.0
    base = rng.normal(size=(n_joints, 2)) * 0.2
    left = np.sin(2 * np.pi * stride * t)
    right = np.sin(2 * np.pi * stride * t + np.pi + asym)
    swing = np.where(np.arange(n_joints) % 2 == 0, 1.0, 0.0)[None, :]
    x = base[None, :, 0] + 0.3 * (swing * left[:, None] + (1 - swing) * right[:, None])
    y = base[None, :, 1] + 0.05 * np.cos(4 * np.pi * stride * t)[:, None]
    return np.stack([x, y], axis=-1).astype(np.float32) + rng.normal(scale=0.01, size=(n_frames, n_joints, 2)).astype(np.float32)


def smooth_with_neighbours(kps, A):
    deg = A.sum(1, keepdims=True) + 1.0
    return (kps + np.einsum("vw,twc->tvc", A, kps)) / deg[None]


def make_sampler(n_out, rng):
    def sample(clip):
        idx = np.sort(rng.choice(len(clip), size=n_out, replace=len(clip) < n_out))
        return clip[idx]
    return sample


class GaitClips(Dataset):
    def __init__(self, clips, labels, sampler):
        self.clips, self.labels, self.sampler = clips, labels, sampler

    def __len__(self):
        return len(self.clips)

    def __getitem__(self, i):
        clip = self.sampler(self.clips[i])
        vel = np.diff(clip, axis=0, prepend=clip[:1])
        feats = np.concatenate([clip, vel], axis=-1).reshape(len(clip), -1)
        return torch.from_numpy(feats.T.copy()), int(self.labels[i])


class TemporalBlock(nn.Module):
    def __init__(self, ch, dilation):
        super().__init__()
        self.conv = nn.Conv1d(ch, ch, kernel_size=3, padding=dilation, dilation=dilation)
        self.norm = nn.BatchNorm1d(ch)

    def forward(self, x):
        return x + F.gelu(self.norm(self.conv(x)))


class GaitTCN(nn.Module):
    def __init__(self, in_ch, cfg):
        super().__init__()
        ch = cfg["tcn_channels"]
        self.stem = nn.Conv1d(in_ch, ch, kernel_size=1)
        self.blocks = nn.Sequential(*[TemporalBlock(ch, d) for d in cfg["dilations"]])
        self.out = nn.Linear(ch, cfg["n_classes"])

    def forward(self, x):
        h = self.blocks(self.stem(x))
        return self.out(h.mean(-1))


def build_data(cfg, rng):
    A = joint_adjacency(cfg["joints"], LOWER_BODY)
    lo, hi = cfg["len_range"]
    labels = rng.integers(0, cfg["n_classes"], size=cfg["clips"])
    clips = [smooth_with_neighbours(walk_cycle(rng, int(rng.integers(lo, hi)), cfg["joints"], c), A) for c in labels]
    return clips, labels


def train(cfg):
    rng = np.random.default_rng(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    clips, labels = build_data(cfg, rng)
    print("clip lengths:", min(map(len, clips)), "-", max(map(len, clips)))
    ds = GaitClips(clips, labels, make_sampler(cfg["sample_frames"], rng))
    loader = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True)
    model = GaitTCN(cfg["joints"] * 4, cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        model.train()
        seen, loss_sum, correct = 0, 0.0, 0
        for xb, yb in loader:
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            seen += len(yb)
            loss_sum += loss.item() * len(yb)
            correct += (logits.argmax(1) == yb).sum().item()
        print(f"epoch {epoch}: loss {loss_sum / seen:.3f} acc {correct / seen:.3f}")


if __name__ == "__main__":
    train(CONFIG)
