"""Skeleton action recognition: temporal conv stem + transformer encoder over frames.

Clips are (frames, joints, 3) keypoint arrays of varying length, padded per batch.
"""
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

CONFIG = {
    "seed": 7,
    "num_joints": 17,
    "coords": 3,
    "num_classes": 6,
    "min_frames": 40,
    "max_frames": 96,
    "n_train": 48,
    "batch_size": 8,
    "d_model": 64,
    "n_heads": 4,
    "n_layers": 2,
    "tcn_kernel": 5,
    "tcn_stride": 2,
    "lr": 3e-4,
    "epochs": 2,
}

COCO_EDGES = [(0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (5, 7), (7, 9), (6, 8), (8, 10),
              (5, 11), (6, 12), (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (0, 5), (0, 6)]


def make_adjacency(num_joints, edges):
    A = np.eye(num_joints, dtype=np.float32)
    for i, j in edges:
        A[i, j] = A[j, i] = 1.0
    deg = A.sum(1)
    d_inv_sqrt = np.diag(1.0 / np.sqrt(deg))
    return d_inv_sqrt @ A @ d_inv_sqrt


def synth_clip(rng, label, n_frames, num_joints):
    t = np.linspace(0, 2 * math.pi, n_frames, dtype=np.float32)
    base = rng.normal(0, 0.3, size=(num_joints, 3)).astype(np.float32)
    freq = 1.0 + label * 0.5
    motion = np.sin(freq * t)[:, None, None] * rng.normal(0, 0.2, size=(1, num_joints, 3))
    return (base[None] + motion + rng.normal(0, 0.02, size=(n_frames, num_joints, 3))).astype(np.float32)


def center_and_scale(clip):
    hip_mid = clip[:, [11, 12]].mean(axis=1, keepdims=True)
    clip = clip - hip_mid
    scale = np.linalg.norm(clip[:, 5] - clip[:, 6], axis=-1).mean() + 1e-6
    return clip / scale


class MotionClips(Dataset):
    def __init__(self, n, cfg):
        rng = np.random.default_rng(cfg["seed"])
        self.items = []
        for _ in range(n):
            y = int(rng.integers(cfg["num_classes"]))
            T = int(rng.integers(cfg["min_frames"], cfg["max_frames"] + 1))
            self.items.append((center_and_scale(synth_clip(rng, y, T, cfg["num_joints"])), y))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        clip, y = self.items[idx]
        return torch.from_numpy(clip), y


def pad_collate(batch):
    clips, labels = zip(*batch)
    lengths = torch.tensor([c.shape[0] for c in clips])
    T = int(lengths.max())
    out = torch.zeros(len(clips), T, *clips[0].shape[1:])
    for k, c in enumerate(clips):
        out[k, : c.shape[0]] = c
    return {"x": out, "lengths": lengths, "y": torch.tensor(labels)}


def lengths_to_padding_mask(lengths, max_len):
    return torch.arange(max_len)[None, :] >= lengths[:, None]


class GraphTemporalEncoder(nn.Module):
    def __init__(self, cfg, adjacency):
        super().__init__()
        self.register_buffer("A", torch.as_tensor(adjacency))
        V, C, D = cfg["num_joints"], cfg["coords"], cfg["d_model"]
        self.joint_proj = nn.Linear(C, 16)
        self.tcn = nn.Conv1d(V * 16, D, kernel_size=cfg["tcn_kernel"],
                             stride=cfg["tcn_stride"], padding=cfg["tcn_kernel"] // 2)
        layer = nn.TransformerEncoderLayer(D, cfg["n_heads"], dim_feedforward=2 * D,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.head = nn.Linear(D, cfg["num_classes"])

    def forward(self, x, pad_mask):
        B, T, V, C = x.shape
        h = torch.einsum("uv,btvc->btuc", self.A, self.joint_proj(x))
        h = F.relu(h).reshape(B, T, -1).transpose(1, 2)
        h = F.relu(self.tcn(h)).transpose(1, 2)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


def train(cfg):
    torch.manual_seed(cfg["seed"])
    adjacency = make_adjacency(cfg["num_joints"], COCO_EDGES)
    loader = DataLoader(MotionClips(cfg["n_train"], cfg), batch_size=cfg["batch_size"],
                        shuffle=True, collate_fn=pad_collate)
    model = GraphTemporalEncoder(cfg, adjacency)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        model.train()
        total, correct, seen = 0.0, 0, 0
        for batch in loader:
            stride = cfg["tcn_stride"]
            pad_mask = lengths_to_padding_mask((batch["lengths"] - 1) // stride + 1,
                                               (batch["x"].shape[1] - 1) // stride + 1)
            logits = model(batch["x"], pad_mask)
            loss = F.cross_entropy(logits, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["y"])
            correct += (logits.argmax(-1) == batch["y"]).sum().item()
            seen += len(batch["y"])
        print(f"epoch {epoch}: loss={total / seen:.4f} acc={correct / seen:.3f}")
    return model


if __name__ == "__main__":
    train(CONFIG)
