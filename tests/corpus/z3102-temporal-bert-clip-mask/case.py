import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel


@dataclass
class ClipConfig:
    num_classes: int = 5
    frame_hw: int = 28
    max_clip_frames: int = 16
    temporal_stride: int = 2
    hidden: int = 32
    batch_size: int = 4


CFG = ClipConfig()


class SyntheticGestureClips(Dataset):
    """Variable-length gesture recordings; each sample is strided down to at most max_clip_frames."""

    def __init__(self, n, cfg, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.cfg = cfg
        self.items = []
        for _ in range(n):
            raw_len = int(torch.randint(8, cfg.max_clip_frames * cfg.temporal_stride + 6, (1,), generator=g))
            frames = torch.rand(raw_len, 3, cfg.frame_hw, cfg.frame_hw, generator=g)
            label = int(torch.randint(0, cfg.num_classes, (1,), generator=g))
            self.items.append((frames, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        frames, label = self.items[i]
        clip = frames[:: self.cfg.temporal_stride][: self.cfg.max_clip_frames]
        return clip, label


def collate_clips(batch):
    clips, labels = zip(*batch)
    lengths = torch.tensor([c.shape[0] for c in clips])
    padded = pad_sequence(clips, batch_first=True)
    attention_mask = (torch.arange(CFG.max_clip_frames)[None, :] < lengths[:, None]).long()
    return {"frames": padded, "attention_mask": attention_mask, "labels": torch.tensor(labels)}


class PerFrameEncoder(nn.Module):
    def __init__(self, out_dim):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 5, stride=2, padding=2), nn.GELU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.GELU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.proj = nn.Linear(32, out_dim)

    def forward(self, frames):
        b, t = frames.shape[:2]
        feats = self.proj(self.body(frames.flatten(0, 1)))
        return feats.view(b, t, -1)


class FrameTransformerClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.frame_encoder = PerFrameEncoder(cfg.hidden)
        bert_cfg = BertConfig(
            vocab_size=8,
            hidden_size=cfg.hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=cfg.max_clip_frames + 2,
            hidden_dropout_prob=0.0,
            attention_probs_dropout_prob=0.0,
        )
        self.temporal = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden, cfg.num_classes)

    def forward(self, frames, attention_mask):
        tokens = self.frame_encoder(frames)
        out = self.temporal(inputs_embeds=tokens, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(out.dtype)
        pooled = (out * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled)


def cosine_lr(step, total, base=1e-3, warmup=4):
    if step < warmup:
        return base * (step + 1) / warmup
    return 0.5 * base * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def run():
    random.seed(0)
    torch.manual_seed(0)
    train_set = SyntheticGestureClips(24, CFG, seed=1)
    loader = DataLoader(train_set, batch_size=CFG.batch_size, shuffle=True, collate_fn=collate_clips)
    model = FrameTransformerClassifier(CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    total = 2 * len(loader)
    step = 0
    for epoch in range(2):
        for batch in loader:
            for group in opt.param_groups:
                group["lr"] = cosine_lr(step, total)
            logits = model(batch["frames"], batch["attention_mask"])
            loss = loss_fn(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
        print(f"epoch {epoch} step {step} loss {loss.item():.4f}")


if __name__ == "__main__":
    run()
