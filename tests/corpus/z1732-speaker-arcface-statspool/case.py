"""Speaker verification with an x-vector style encoder and an additive angular margin head.

Episodes are drawn per speaker; the model is trained with ArcFace logits and then
evaluated on a handful of trial pairs with cosine scoring.
"""
import math
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class SpeakerConfig:
    n_mels: int = 40
    frames: int = 120
    tdnn_channels: int = 64
    embed_dim: int = 32
    n_speakers: int = 12
    utts_per_speaker: int = 6
    batch_speakers: int = 4
    margin: float = 0.2
    scale: float = 30.0
    steps: int = 5
    lr: float = 1e-3
    tdnn_dilations: tuple = field(default_factory=lambda: (1, 2, 3))


def make_fake_corpus(cfg: SpeakerConfig, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    centroids = torch.randn(cfg.n_speakers, cfg.n_mels, 1, generator=g)
    feats, spk = [], []
    for s in range(cfg.n_speakers):
        for _ in range(cfg.utts_per_speaker):
            noise = 0.5 * torch.randn(cfg.n_mels, cfg.frames, generator=g)
            feats.append(centroids[s] + noise)
            spk.append(s)
    return torch.stack(feats), torch.tensor(spk)


class StatsPooling(nn.Module):
    """Utterance-level statistics pooling as in the x-vector recipe."""

    def forward(self, x):
        mu = x.mean(dim=-1)
        sigma = x.var(dim=-1, unbiased=False).clamp_min(1e-5).sqrt()
        return torch.cat([mu, sigma], dim=-1)


class XVectorEncoder(nn.Module):
    def __init__(self, cfg: SpeakerConfig):
        super().__init__()
        layers = []
        in_ch = cfg.n_mels
        for d in cfg.tdnn_dilations:
            layers += [nn.Conv1d(in_ch, cfg.tdnn_channels, kernel_size=3, dilation=d),
                       nn.BatchNorm1d(cfg.tdnn_channels), nn.ReLU()]
            in_ch = cfg.tdnn_channels
        self.frame_layers = nn.Sequential(*layers)
        self.pool = StatsPooling()
        self.segment = nn.Linear(cfg.tdnn_channels, cfg.embed_dim)

    def forward(self, mels):
        h = self.frame_layers(mels)
        stats = self.pool(h)
        return self.segment(stats)


class ArcMarginHead(nn.Module):
    def __init__(self, embed_dim, n_classes, margin, scale):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_classes, embed_dim))
        nn.init.xavier_uniform_(self.weight)
        self.m, self.s = margin, scale

    def forward(self, emb, target):
        cos = F.linear(F.normalize(emb), F.normalize(self.weight)).clamp(-1 + 1e-7, 1 - 1e-7)
        theta = torch.acos(cos)
        onehot = F.one_hot(target, cos.size(1)).bool()
        logits = torch.where(onehot, torch.cos(theta + self.m), cos)
        return self.s * logits


def sample_speaker_batch(spk, cfg, g):
    chosen = torch.randperm(cfg.n_speakers, generator=g)[: cfg.batch_speakers]
    idx = torch.cat([(spk == s).nonzero(as_tuple=True)[0] for s in chosen])
    return idx


def train(cfg: SpeakerConfig):
    torch.manual_seed(0)
    feats, spk = make_fake_corpus(cfg)
    encoder = XVectorEncoder(cfg)
    head = ArcMarginHead(cfg.embed_dim, cfg.n_speakers, cfg.margin, cfg.scale)
    opt = torch.optim.Adam(list(encoder.parameters()) + list(head.parameters()), lr=cfg.lr)
    g = torch.Generator().manual_seed(1)

    for step in range(cfg.steps):
        idx = sample_speaker_batch(spk, cfg, g)
        emb = encoder(feats[idx])
        loss = F.cross_entropy(head(emb, spk[idx]), spk[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} arcface loss {loss.item():.4f}")
    return encoder, feats, spk


@torch.no_grad()
def score_trials(encoder, feats, spk, n_trials=20):
    encoder.eval()
    emb = F.normalize(encoder(feats), dim=-1)
    g = torch.Generator().manual_seed(2)
    a = torch.randint(0, len(spk), (n_trials,), generator=g)
    b = torch.randint(0, len(spk), (n_trials,), generator=g)
    scores = (emb[a] * emb[b]).sum(-1)
    same = spk[a] == spk[b]
    thr = 0.5
    acc = ((scores > thr) == same).float().mean().item()
    print(f"trial accuracy at threshold {thr}: {acc:.3f} ({int(same.sum())} target trials)")
    return acc


if __name__ == "__main__":
    cfg = SpeakerConfig()
    enc, feats, spk = train(cfg)
    score_trials(enc, feats, spk)
