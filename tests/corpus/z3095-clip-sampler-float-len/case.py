import time
import zlib
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, Sampler

torch.manual_seed(11)


@dataclass
class VideoMeta:
    vid: str
    num_frames: int
    fps: float
    frame_labels: np.ndarray = field(repr=False)


@dataclass
class SamplerCfg:
    clip_len: int = 8
    temporal_stride: int = 2
    hop: int = 12


def fake_catalog(n, n_classes, seed=11):
    rng = np.random.default_rng(seed)
    metas = []
    for k in range(n):
        nf = int(rng.integers(50, 150))
        change = int(rng.integers(10, nf - 10))
        labels = np.where(np.arange(nf) < change, rng.integers(n_classes), rng.integers(n_classes))
        metas.append(VideoMeta(f"vid_{k:04d}", nf, float(rng.choice([25.0, 30.0])), labels.astype(np.int64)))
    return metas


class SlidingClipSampler(Sampler):
    def __init__(self, metas, cfg: SamplerCfg, shuffle=True, seed=0):
        self.cfg = cfg
        self.span = cfg.clip_len * cfg.temporal_stride
        self.shuffle = shuffle
        self.rng = np.random.default_rng(seed)
        self.windows = [
            (vi, s)
            for vi, m in enumerate(metas)
            for s in range(0, max(m.num_frames - self.span, 0) + 1, cfg.hop)
        ]
        self.num_clips = sum((max(m.num_frames - self.span, 0)) / cfg.hop + 1 for m in metas)

    def __iter__(self):
        order = self.rng.permutation(len(self.windows)) if self.shuffle else range(len(self.windows))
        for j in order:
            yield self.windows[j]

    def __len__(self):
        return self.num_clips


class FrameStore(Dataset):
    def __init__(self, metas, cfg: SamplerCfg, size=32):
        self.metas = metas
        self.cfg = cfg
        self.size = size

    def __len__(self):
        return len(self.metas)

    def _decode(self, meta, idx):
        g = torch.Generator().manual_seed(zlib.crc32(meta.vid.encode()) % (2 ** 31) + int(idx[0]))
        return torch.rand(len(idx), 3, self.size, self.size, generator=g)

    def __getitem__(self, key):
        vi, start = key
        meta = self.metas[vi]
        idx = np.arange(start, start + self.cfg.clip_len * self.cfg.temporal_stride, self.cfg.temporal_stride)
        idx = np.clip(idx, 0, meta.num_frames - 1)
        clip = self._decode(meta, idx)
        return {"clip": clip, "frame_y": torch.from_numpy(meta.frame_labels[idx]), "vid": meta.vid}


class R3DTiny(nn.Module):
    def __init__(self, n_classes, width=24):
        super().__init__()
        self.stem = nn.Conv3d(3, width, (3, 7, 7), stride=(1, 2, 2), padding=(1, 3, 3), bias=False)
        self.bn = nn.BatchNorm3d(width)
        self.res = nn.Sequential(
            nn.Conv3d(width, width, 3, padding=1, bias=False), nn.BatchNorm3d(width), nn.ReLU(),
            nn.Conv3d(width, width, 3, padding=1, bias=False), nn.BatchNorm3d(width),
        )
        self.cls = nn.Conv1d(width, n_classes, kernel_size=1)

    def forward(self, clip):
        x = clip.transpose(1, 2)
        x = F.relu(self.bn(self.stem(x)))
        x = F.relu(x + self.res(x))
        x = x.mean(dim=(-1, -2))
        return self.cls(x).transpose(1, 2)


def run_epoch(model, loader, optimizer, epoch, log_every=5):
    model.train()
    n_steps = len(loader)
    t0 = time.time()
    for it, batch in enumerate(loader):
        logits = model(batch["clip"])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch["frame_y"].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if it % log_every == 0:
            eta = (time.time() - t0) / (it + 1) * (n_steps - it - 1)
            print(f"[ep {epoch}] {it + 1}/{n_steps} loss={loss.item():.4f} eta={eta:.1f}s")


def main():
    n_classes = 4
    cfg = SamplerCfg()
    metas = fake_catalog(10, n_classes)
    store = FrameStore(metas, cfg)
    sampler = SlidingClipSampler(metas, cfg)
    loader = DataLoader(store, batch_size=8, sampler=sampler, drop_last=False)
    model = R3DTiny(n_classes)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for epoch in range(2):
        run_epoch(model, loader, optimizer, epoch)


if __name__ == "__main__":
    main()
