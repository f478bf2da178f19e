"""Temporal action segmentation: per-frame CNN encoder + small BERT over time.

Each training item is a strided window of frames (T, C, H, W) with one action
id per frame. The refinement stage from the old MS-TCN baseline was swapped for
a transformer head.
"""
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel

torch.manual_seed(0)
random.seed(0)

ACTIONS = ["background", "take_cup", "pour_water", "stir", "pour_milk",
           "open_lid", "close_lid", "put_cup", "wipe", "walk_away", "idle"]


@dataclass
class SegConfig:
    frames_per_window: int = 16
    temporal_stride: int = 2
    frame_size: int = 32
    feat_dim: int = 48
    num_actions: int = len(ACTIONS)
    batch_size: int = 4
    lr: float = 3e-4
    epochs: int = 2


def make_synthetic_video(num_frames, size, num_actions, rng):
    frames = torch.rand(num_frames, 3, size, size)
    labels = torch.zeros(num_frames, dtype=torch.long)
    t = 0
    while t < num_frames:
        seg_len = rng.randint(8, 30)
        labels[t:t + seg_len] = rng.randrange(num_actions)
        t += seg_len
    return frames, labels


class StridedWindowDataset(Dataset):
    def __init__(self, videos, cfg):
        self.videos = videos
        self.cfg = cfg
        span = cfg.frames_per_window * cfg.temporal_stride
        self.index = []
        for vid, (frames, _) in enumerate(videos):
            for start in range(0, frames.shape[0] - span + 1, span // 2):
                self.index.append((vid, start))

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        vid, start = self.index[i]
        frames, labels = self.videos[vid]
        stop = start + self.cfg.frames_per_window * self.cfg.temporal_stride
        idx = torch.arange(start, stop, self.cfg.temporal_stride)
        return {"clip": frames[idx], "frame_labels": labels[idx]}


class FrameEncoder(nn.Module):
    def __init__(self, out_dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(32, out_dim),
        )

    def forward(self, clip):
        b, t = clip.shape[:2]
        feats = self.net(clip.flatten(0, 1))
        return feats.view(b, t, -1)


class TransformerSegmenter(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = FrameEncoder(cfg.feat_dim)
        bert_cfg = BertConfig(vocab_size=8, hidden_size=cfg.feat_dim, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=96,
                              max_position_embeddings=64)
        self.temporal = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.feat_dim, cfg.num_actions)

    def forward(self, clip):
        per_frame = self.encoder(clip)
        hidden = self.temporal(inputs_embeds=per_frame).last_hidden_state
        logits = self.head(hidden)
        return logits


def segmentation_loss(logits, targets, smooth_weight=0.15):
    ce = F.cross_entropy(logits, targets)
    log_p = F.log_softmax(logits, dim=1)
    tmse = torch.clamp((log_p[:, :, 1:] - log_p.detach()[:, :, :-1]) ** 2, max=16).mean()
    return ce + smooth_weight * tmse


def frame_accuracy(logits, targets):
    return (logits.argmax(1) == targets).float().mean().item()


def main():
    cfg = SegConfig()
    rng = random.Random(1)
    videos = [make_synthetic_video(rng.randint(70, 120), cfg.frame_size, cfg.num_actions, rng)
              for _ in range(6)]
    ds = StridedWindowDataset(videos, cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)
    print(f"{len(ds)} windows of {cfg.frames_per_window} frames (stride {cfg.temporal_stride})")

    model = TransformerSegmenter(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        running, accs = 0.0, []
        for step, batch in enumerate(loader):
            logits = model(batch["clip"])
            loss = segmentation_loss(logits, batch["frame_labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
            accs.append(frame_accuracy(logits.detach(), batch["frame_labels"]))
        print(f"epoch {epoch}: loss={running / (step + 1):.4f} "
              f"frame_acc={sum(accs) / len(accs):.3f}")

    model.eval()
    with torch.no_grad():
        sample = ds[0]
        pred = model(sample["clip"].unsqueeze(0)).argmax(1)[0]
        print("pred:", [ACTIONS[i] for i in pred[:6].tolist()])


if __name__ == "__main__":
    main()
