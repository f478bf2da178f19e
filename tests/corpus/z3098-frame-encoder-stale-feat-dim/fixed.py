import random
from dataclasses import dataclass, field
from typing import Iterator, List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import IterableDataset, DataLoader


@dataclass
class ExpConfig:
    clip_len: int = 8
    frame_stride: int = 4
    res: int = 48
    stage_widths: Tuple[int, ...] = (32, 64, 128)
    frame_feat_dim: int = 128
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    num_classes: int = 7
    batch_size: int = 4
    steps: int = 12
    seed: int = 13
    class_names: List[str] = field(default_factory=lambda: [
        "jump", "run", "sit_down", "stand_up", "wave", "clap", "throw"])


def synth_video(cls_id, length, res, gen):
    base = torch.rand(3, res, res, generator=gen)
    t = torch.arange(length, dtype=torch.float32).view(length, 1, 1, 1)
    drift = torch.sin(t * (cls_id + 1) * 0.1)
    noise = 0.1 * torch.randn(length, 3, res, res, generator=gen)
    return base.unsqueeze(0) + drift + noise


def clip_sampler(num_frames, clip_len, stride, rng):
    span = (clip_len - 1) * stride + 1
    jitter = rng.randint(0, max(0, num_frames - span))
    return [jitter + k * stride for k in range(clip_len)]


class RandomClipStream(IterableDataset):
    def __init__(self, cfg: ExpConfig, n_videos: int = 40):
        self.cfg = cfg
        gen = torch.Generator().manual_seed(cfg.seed)
        self.videos = []
        for v in range(n_videos):
            cls_id = v % cfg.num_classes
            length = 40 + (v * 7) % 30
            self.videos.append((synth_video(cls_id, length, cfg.res, gen), cls_id))

    def __iter__(self) -> Iterator[dict]:
        rng = random.Random(self.cfg.seed)
        while True:
            video, cls_id = rng.choice(self.videos)
            idx = clip_sampler(video.shape[0], self.cfg.clip_len, self.cfg.frame_stride, rng)
            yield {"frames": video[idx], "label": cls_id, "frame_idx": torch.tensor(idx)}


def conv_bn(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class PerFrameEncoder(nn.Module):
    def __init__(self, widths):
        super().__init__()
        layers, cin = [], 3
        for w in widths:
            layers += [conv_bn(cin, w, 2), conv_bn(w, w, 1)]
            cin = w
        self.body = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return self.pool(self.body(x)).flatten(1)


class ClipTransformer(nn.Module):
    def __init__(self, cfg: ExpConfig):
        super().__init__()
        self.frame_encoder = PerFrameEncoder(cfg.stage_widths)
        self.proj = nn.Linear(cfg.frame_feat_dim, cfg.d_model)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.d_model))
        self.time_embed = nn.Parameter(torch.randn(1, cfg.clip_len + 1, cfg.d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 4 * cfg.d_model,
                                           dropout=0.1, batch_first=True, norm_first=True)
        self.temporal = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.fc = nn.Linear(cfg.d_model, cfg.num_classes)

    def forward(self, frames):
        B, T, C, H, W = frames.shape
        f = self.frame_encoder(frames.reshape(B * T, C, H, W)).view(B, T, -1)
        tokens = self.proj(f)
        tokens = torch.cat([self.cls_token.expand(B, -1, -1), tokens], dim=1)
        tokens = tokens + self.time_embed[:, : T + 1]
        out = self.temporal(tokens)
        return self.fc(self.norm(out[:, 0]))


def train(cfg: ExpConfig):
    torch.manual_seed(cfg.seed)
    loader = DataLoader(RandomClipStream(cfg), batch_size=cfg.batch_size)
    model = ClipTransformer(cfg)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model params: {n_params / 1e3:.1f}k, clip span "
          f"{(cfg.clip_len - 1) * cfg.frame_stride + 1} frames")

    history = []
    for step, batch in zip(range(cfg.steps), loader):
        logits = model(batch["frames"])
        loss = F.cross_entropy(logits, batch["label"], label_smoothing=0.1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        history.append(loss.item())
        if step % 4 == 0:
            acc = (logits.argmax(1) == batch["label"]).float().mean().item()
            print(f"step {step:3d} loss {loss.item():.3f} acc {acc:.2f}")
    return model, history


if __name__ == "__main__":
    cfg = ExpConfig()
    model, hist = train(cfg)
    print(f"final loss {hist[-1]:.3f} ({cfg.class_names[0]}..{cfg.class_names[-1]})")
