import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
np.random.seed(0)
random.seed(0)


@dataclass
class ClipConfig:
    num_frames: int = 8
    frame_stride: int = 4
    height: int = 32
    width: int = 32
    num_actions: int = 5
    embed_dim: int = 64
    depth: int = 2
    heads: int = 4


class SyntheticVideos:
    """Stand-in for a decoded video store: each video is a uint8 array (N, H, W, C)."""

    def __init__(self, n_videos, cfg, rng):
        self.videos = []
        self.frame_labels = []
        for _ in range(n_videos):
            n = int(rng.integers(60, 120))
            frames = rng.integers(0, 255, size=(n, cfg.height, cfg.width, 3), dtype=np.uint8)
            # piecewise-constant action segments
            cuts = sorted(rng.choice(np.arange(5, n - 5), size=3, replace=False))
            labels = np.zeros(n, dtype=np.int64)
            prev = 0
            for seg, c in enumerate(list(cuts) + [n]):
                labels[prev:c] = rng.integers(0, cfg.num_actions)
                prev = c
            self.videos.append(frames)
            self.frame_labels.append(labels)

    def __len__(self):
        return len(self.videos)


class StridedClipSampler:
    def __init__(self, num_frames, stride, jitter=True):
        self.num_frames = num_frames
        self.stride = stride
        self.jitter = jitter

    def span(self):
        return self.num_frames * self.stride

    def __call__(self, video_len):
        max_start = max(video_len - self.span(), 0)
        start = random.randint(0, max_start) if self.jitter else max_start // 2
        idx = list(range(start, start + self.span(), self.stride))
        return [min(i, video_len - 1) for i in idx]


class ClipDataset(Dataset):
    def __init__(self, store, sampler, clips_per_video=4):
        self.store = store
        self.sampler = sampler
        self.clips_per_video = clips_per_video

    def __len__(self):
        return len(self.store) * self.clips_per_video

    def __getitem__(self, i):
        vid = i // self.clips_per_video
        frames = self.store.videos[vid]
        labels = self.store.frame_labels[vid]
        idx = self.sampler(len(frames))
        clip = torch.from_numpy(frames[idx]).permute(0, 3, 1, 2).float().div_(255.0)
        clip = (clip - 0.45) / 0.225
        frame_tgt = torch.from_numpy(labels[idx])
        clip_tgt = torch.bincount(frame_tgt, minlength=5).argmax()
        return {"clip": clip, "frame_labels": frame_tgt, "clip_label": clip_tgt}


class FrameEncoder(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
            nn.Conv2d(32, dim, 3, stride=2, padding=1), nn.AdaptiveAvgPool2d(1),
        )

    def forward(self, x):
        b, t = x.shape[:2]
        feats = self.net(x.flatten(0, 1))
        return feats.view(b, t, -1)


class TemporalSegmenter(nn.Module):
    def __init__(self, cfg: ClipConfig):
        super().__init__()
        self.encoder = FrameEncoder(cfg.embed_dim)
        self.time_embed = nn.Embedding(cfg.num_frames, cfg.embed_dim)
        layer = nn.TransformerEncoderLayer(cfg.embed_dim, cfg.heads, cfg.embed_dim * 2,
                                           dropout=0.1, batch_first=True, norm_first=True)
        self.temporal = nn.TransformerEncoder(layer, cfg.depth)
        self.frame_head = nn.Linear(cfg.embed_dim, cfg.num_actions)
        self.clip_head = nn.Linear(cfg.embed_dim, cfg.num_actions)

    def forward(self, clip):
        tokens = self.encoder(clip)
        t_ids = torch.arange(tokens.size(1), device=tokens.device)
        tokens = tokens + self.time_embed(t_ids)[None]
        h = self.temporal(tokens)
        return self.frame_head(h), self.clip_head(h.mean(dim=1))


def train_one_epoch(model, loader, opt, num_actions):
    model.train()
    running = 0.0
    for step, batch in enumerate(loader):
        frame_logits, clip_logits = model(batch["clip"])
        loss_seg = F.cross_entropy(frame_logits.reshape(-1, num_actions), batch["frame_labels"].reshape(-1))
        loss_cls = F.cross_entropy(clip_logits, batch["clip_label"])
        loss = loss_seg + 0.5 * loss_cls
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        running += loss.item()
        if step % 5 == 0:
            print(f"step {step:03d} loss {loss.item():.4f}")
    return running / max(len(loader), 1)


def main():
    cfg = ClipConfig()
    rng = np.random.default_rng(0)
    store = SyntheticVideos(6, cfg, rng)
    sampler = StridedClipSampler(cfg.num_frames, cfg.frame_stride)
    ds = ClipDataset(store, sampler)
    loader = DataLoader(ds, batch_size=4, shuffle=True, num_workers=0)

    model = TemporalSegmenter(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.05)
    for epoch in range(2):
        avg = train_one_epoch(model, loader, opt, cfg.num_actions)
        print(f"epoch {epoch} avg loss {avg:.4f}")


if __name__ == "__main__":
    main()
