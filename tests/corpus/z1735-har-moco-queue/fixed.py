"""Self-supervised pretraining on wrist-accelerometer windows (activity recognition) with a
MoCo-style momentum encoder and a queue of negative keys, followed by a 5-shot nearest-prototype probe.
"""
import copy
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class MocoConfig:
    n_windows: int = 240
    window_len: int = 50
    axes: int = 3
    activities: int = 4
    proj_dim: int = 32
    hidden: int = 128
    queue_size: int = 96
    batch: int = 32
    momentum: float = 0.99
    temperature: float = 0.1
    steps: int = 8
    lr: float = 1e-3
    shots: int = 5


def synth_recordings(cfg, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(cfg.window_len) / 25.0
    freqs = np.array([0.5, 1.8, 2.6, 0.1])
    acts = rng.integers(0, cfg.activities, size=cfg.n_windows)
    phase = rng.uniform(0, 2 * np.pi, size=(cfg.n_windows, cfg.axes, 1))
    sig = np.sin(2 * np.pi * freqs[acts][:, None, None] * t + phase)
    sig += rng.normal(0.0, 0.3, size=sig.shape)
    mu = sig.mean(axis=(0, 2), keepdims=True)
    sd = sig.std(axis=(0, 2), keepdims=True)
    return (sig - mu) / sd, acts


class WindowBank(torch.utils.data.Dataset):
    def __init__(self, windows, acts):
        self.windows = torch.from_numpy(windows).float()
        self.acts = torch.from_numpy(acts)

    def __len__(self):
        return len(self.acts)

    def __getitem__(self, i):
        return self.windows[i], self.acts[i]


def augment(x):
    scale = 1.0 + 0.1 * torch.randn(x.size(0), x.size(1), 1, dtype=x.dtype)
    return x * scale + 0.05 * torch.randn_like(x)


class WindowEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(cfg.axes * cfg.window_len, cfg.hidden), nn.ReLU(),
            nn.Linear(cfg.hidden, cfg.proj_dim),
        )

    def forward(self, x):
        return F.normalize(self.net(x), dim=-1)


class MomentumQueue:
    def __init__(self, cfg):
        self.keys = F.normalize(torch.randn(cfg.queue_size, cfg.proj_dim), dim=-1)
        self.ptr = 0

    def push(self, k):
        n = k.size(0)
        idx = (self.ptr + torch.arange(n)) % self.keys.size(0)
        self.keys[idx] = k.detach()
        self.ptr = int((self.ptr + n) % self.keys.size(0))


def info_nce(q, k, queue, tau):
    l_pos = (q * k).sum(-1, keepdim=True)
    l_neg = q @ queue.keys.T
    logits = torch.cat([l_pos, l_neg], dim=1) / tau
    return F.cross_entropy(logits, torch.zeros(q.size(0), dtype=torch.long))


def pretrain(cfg, bank):
    query_enc = WindowEncoder(cfg)
    key_enc = copy.deepcopy(query_enc).requires_grad_(False)
    queue = MomentumQueue(cfg)
    opt = torch.optim.Adam(query_enc.parameters(), lr=cfg.lr)
    loader = torch.utils.data.DataLoader(bank, batch_size=cfg.batch, shuffle=True, drop_last=True)
    step = 0
    while step < cfg.steps:
        for x, _ in loader:
            q = query_enc(augment(x))
            with torch.no_grad():
                for pq, pk in zip(query_enc.parameters(), key_enc.parameters()):
                    pk.mul_(cfg.momentum).add_(pq.detach(), alpha=1 - cfg.momentum)
                k = key_enc(augment(x))
            loss = info_nce(q, k, queue, cfg.temperature)
            opt.zero_grad()
            loss.backward()
            opt.step()
            queue.push(k)
            print(f"step {step}: infonce {loss.item():.4f}")
            step += 1
            if step == cfg.steps:
                break
    return query_enc


@torch.no_grad()
def few_shot_probe(enc, bank, cfg):
    z = enc(bank.windows)
    protos, rest_mask = [], torch.ones(len(bank), dtype=torch.bool)
    for a in range(cfg.activities):
        rows = (bank.acts == a).nonzero(as_tuple=True)[0][: cfg.shots]
        protos.append(z[rows].mean(0))
        rest_mask[rows] = False
    protos = F.normalize(torch.stack(protos), dim=-1)
    pred = (z[rest_mask] @ protos.T).argmax(1)
    acc = (pred == bank.acts[rest_mask]).float().mean().item()
    print(f"{cfg.shots}-shot prototype probe accuracy: {acc:.3f}")


if __name__ == "__main__":
    cfg = MocoConfig()
    torch.manual_seed(0)
    bank = WindowBank(*synth_recordings(cfg))
    encoder = pretrain(cfg, bank)
    few_shot_probe(encoder, bank, cfg)
