"""Bearing-fault classifier for accelerometer windows from a pump test rig.

Each recording is a variable-length window of 3-axis vibration samples.
A strided 1-D conv front-end compresses the signal, then an additive
attention pool summarises the frames into one vector per recording.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class RigConfig:
    n_axes: int = 3
    max_len: int = 240
    min_len: int = 96
    conv_channels: int = 32
    stride: int = 4
    n_faults: int = 5
    batch_size: int = 8
    lr: float = 3e-3
    epochs: int = 2
    seed: int = 7


class VibrationWindows(Dataset):
    def __init__(self, cfg: RigConfig, n: int = 64):
        g = torch.Generator().manual_seed(cfg.seed)
        self.items = []
        for _ in range(n):
            length = int(torch.randint(cfg.min_len, cfg.max_len + 1, (1,), generator=g))
            fault = int(torch.randint(0, cfg.n_faults, (1,), generator=g))
            t = torch.arange(length).float()
            freq = 0.02 + 0.015 * fault
            base = torch.sin(2 * math.pi * freq * t)
            sig = base.unsqueeze(0).repeat(cfg.n_axes, 1)
            sig = sig + 0.3 * torch.randn(cfg.n_axes, length, generator=g)
            self.items.append((sig, fault))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def pad_windows(batch, max_len):
    sigs, faults = zip(*batch)
    out = torch.zeros(len(sigs), sigs[0].shape[0], max_len)
    valid = torch.zeros(len(sigs), max_len, dtype=torch.bool)
    for i, s in enumerate(sigs):
        n = s.shape[-1]
        out[i, :, :n] = s
        valid[i, :n] = True
    return out, valid, torch.tensor(faults)


class AttentionPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Sequential(nn.Linear(dim, dim), nn.Tanh(), nn.Linear(dim, 1))

    def forward(self, frames, frame_mask):
        # frames: (B, T, D)
        logits = self.score(frames).squeeze(-1)
        logits = logits.masked_fill(~frame_mask, float("-inf"))
        weights = torch.softmax(logits, dim=-1)
        return torch.bmm(weights.unsqueeze(1), frames).squeeze(1)


class FaultNet(nn.Module):
    def __init__(self, cfg: RigConfig):
        super().__init__()
        c = cfg.conv_channels
        self.frontend = nn.Sequential(
            nn.Conv1d(cfg.n_axes, c, kernel_size=8, stride=cfg.stride, padding=2),
            nn.GELU(),
            nn.Conv1d(c, c, kernel_size=3, padding=1),
            nn.GELU(),
        )
        self.pool = AttentionPool(c)
        self.head = nn.Linear(c, cfg.n_faults)

    def forward(self, signal, sample_mask):
        frames = self.frontend(signal).transpose(1, 2)
        pooled = self.pool(frames, sample_mask)
        return self.head(pooled)


def train(cfg: RigConfig):
    torch.manual_seed(cfg.seed)
    ds = VibrationWindows(cfg)
    loader = DataLoader(
        ds,
        batch_size=cfg.batch_size,
        shuffle=True,
        collate_fn=lambda b: pad_windows(b, cfg.max_len),
    )
    model = FaultNet(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        total, correct, seen = 0.0, 0, 0
        for signal, sample_mask, fault in loader:
            logits = model(signal, sample_mask)
            loss = F.cross_entropy(logits, fault)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * fault.numel()
            correct += (logits.argmax(-1) == fault).sum().item()
            seen += fault.numel()
        print(f"epoch {epoch}: loss={total / seen:.4f} acc={correct / seen:.3f}")
    return model


if __name__ == "__main__":
    train(RigConfig())
