import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class PoseConfig:
    num_signs: int = 12
    num_joints: int = 21 * 2 + 9   # two hands + upper body
    coords: int = 3                # x, y, visibility
    num_frames: int = 32
    hidden: int = 64
    batch_size: int = 8
    epochs: int = 2
    lr: float = 3e-3
    seed: int = 7


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def synth_clip(rng, sign_id, n_frames, n_joints):
    t = np.linspace(0, 1, n_frames)[:, None]
    base = rng.normal(0, 0.05, size=(1, n_joints))
    freq = 1.0 + sign_id * 0.35
    x = 0.5 + 0.2 * np.sin(2 * math.pi * freq * t + base)
    y = 0.5 + 0.2 * np.cos(2 * math.pi * freq * t - base)
    vis = (rng.random((n_frames, n_joints)) > 0.1).astype(np.float32)
    clip = np.stack([x, y, vis], axis=-1).astype(np.float32)
    clip[..., :2] += rng.normal(0, 0.01, size=clip[..., :2].shape)
    return clip


def temporal_resample(clip, num_frames):
    T = clip.shape[0]
    idx = np.linspace(0, T - 1, num=min(T, num_frames)).round().astype(int)
    return clip[idx]


def normalize_to_shoulders(clip, left_sh=42 + 2, right_sh=42 + 5):
    center = (clip[:, left_sh, :2] + clip[:, right_sh, :2]) / 2
    width = np.linalg.norm(clip[:, left_sh, :2] - clip[:, right_sh, :2], axis=-1) + 1e-4
    out = clip.copy()
    out[..., :2] = (clip[..., :2] - center[:, None]) / width[:, None, None]
    return out


class SignClipDataset(Dataset):
    def __init__(self, cfg, n_clips, split="train"):
        rng = np.random.default_rng(cfg.seed if split == "train" else cfg.seed + 1)
        self.cfg = cfg
        self.items = []
        for _ in range(n_clips):
            sign = int(rng.integers(cfg.num_signs))
            # signers differ a lot in speed: 0.6s .. 2.5s at 25 fps
            n_frames = int(rng.integers(15, 63))
            self.items.append((synth_clip(rng, sign, n_frames, cfg.num_joints), sign))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        clip, sign = self.items[i]
        clip = temporal_resample(clip, self.cfg.num_frames)
        clip = normalize_to_shoulders(clip)
        return torch.from_numpy(clip), torch.tensor(sign)


class PoseGRUClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        in_dim = cfg.num_joints * cfg.coords
        self.embed = nn.Sequential(nn.Linear(in_dim, cfg.hidden), nn.LayerNorm(cfg.hidden), nn.GELU())
        self.gru = nn.GRU(cfg.hidden, cfg.hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * cfg.hidden, cfg.num_signs)

    def forward(self, x):
        b, t, j, c = x.shape
        h = self.embed(x.reshape(b, t, j * c))
        h, _ = self.gru(h)
        return self.head(h.mean(dim=1))


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for clips, signs in loader:
            pred = model(clips).argmax(-1)
            correct += (pred == signs).sum().item()
            total += signs.numel()
    return correct / max(total, 1)


def main():
    cfg = PoseConfig()
    set_seed(cfg.seed)
    train_ds = SignClipDataset(cfg, 96, "train")
    val_ds = SignClipDataset(cfg, 32, "val")
    train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = PoseGRUClassifier(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for step, (clips, signs) in enumerate(train_loader):
            logits = model(clips)
            loss = loss_fn(logits, signs)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch}: loss={running / (step + 1):.4f} val_acc={acc:.3f}")


if __name__ == "__main__":
    main()
