"""Isolated sign recognition from 2D pose keypoints (body + both hands).

Clips have different numbers of frames, so a collate_fn pads them to the
longest clip in the batch and returns a padding mask for the transformer.
"""
import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

N_BODY, N_HAND = 9, 21
N_JOINTS = N_BODY + 2 * N_HAND
NUM_SIGNS = 12

CONFIG = {
    "d_model": 64,
    "n_heads": 4,
    "n_layers": 2,
    "dropout": 0.1,
    "batch_size": 6,
    "lr": 1e-3,
    "epochs": 2,
    "min_frames": 18,
    "max_frames": 60,
}


def normalize_pose(kp):
    # center on mid-shoulder and scale by shoulder width
    l_sh, r_sh = kp[:, 2], kp[:, 5]
    center = (l_sh + r_sh) / 2.0
    width = np.linalg.norm(l_sh - r_sh, axis=-1, keepdims=True).mean() + 1e-6
    return (kp - center[:, None, :]) / width


class SignPoseClips(Dataset):
    def __init__(self, n_clips, cfg, seed=0):
        rng = np.random.default_rng(seed)
        self.clips, self.labels = [], []
        for _ in range(n_clips):
            T = int(rng.integers(cfg["min_frames"], cfg["max_frames"] + 1))
            label = int(rng.integers(0, NUM_SIGNS))
            base = rng.normal(0, 1, size=(1, N_JOINTS, 2))
            motion = np.sin(np.linspace(0, math.pi * (1 + label / 4), T))[:, None, None]
            kp = base + 0.2 * motion + rng.normal(0, 0.05, size=(T, N_JOINTS, 2))
            self.clips.append(normalize_pose(kp).astype(np.float32))
            self.labels.append(label)

    def __len__(self):
        return len(self.clips)

    def __getitem__(self, idx):
        return torch.from_numpy(self.clips[idx]), self.labels[idx]


def collate_pose(batch):
    clips, labels = zip(*batch)
    lengths = torch.tensor([c.shape[0] for c in clips])
    T = int(lengths.max())
    x = torch.zeros(len(clips), T, N_JOINTS, 2)
    pad_mask = torch.zeros(len(clips), T, dtype=torch.bool)
    for i, c in enumerate(clips):
        x[i, : c.shape[0]] = c
        pad_mask[i, c.shape[0]:] = True
    return x, pad_mask, lengths, torch.tensor(labels)


class SinusoidalPE(nn.Module):
    def __init__(self, d_model, max_len=512):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class PoseTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Sequential(
            nn.Linear(N_JOINTS * 2, cfg["d_model"]),
            nn.LayerNorm(cfg["d_model"]),
            nn.GELU(),
        )
        self.pe = SinusoidalPE(cfg["d_model"])
        layer = nn.TransformerEncoderLayer(
            cfg["d_model"], cfg["n_heads"], dim_feedforward=cfg["d_model"] * 2,
            dropout=cfg["dropout"], batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.head = nn.Linear(cfg["d_model"], NUM_SIGNS)

    def forward(self, x, pad_mask, lengths):
        B, T = x.shape[:2]
        h = self.pe(self.embed(x.reshape(B, T, -1)))
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (torch.arange(T)[None, :] < lengths[:, None]).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / lengths[:, None].float()
        return self.head(pooled)


def run_epoch(model, loader, optim, loss_fn):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for x, pad_mask, lengths, y in loader:
        logits = model(x, pad_mask, lengths)
        loss = loss_fn(logits, y)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item() * y.size(0)
        correct += (logits.argmax(-1) == y).sum().item()
        seen += y.size(0)
    return total / seen, correct / seen


def main():
    torch.manual_seed(0)
    ds = SignPoseClips(48, CONFIG, seed=3)
    loader = DataLoader(ds, batch_size=CONFIG["batch_size"], shuffle=True, collate_fn=collate_pose)
    model = PoseTransformer(CONFIG)
    optim = torch.optim.Adam(model.parameters(), lr=CONFIG["lr"])
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    for epoch in range(CONFIG["epochs"]):
        loss, acc = run_epoch(model, loader, optim, loss_fn)
        print(f"epoch {epoch} loss={loss:.3f} acc={acc:.2f}")


if __name__ == "__main__":
    main()
