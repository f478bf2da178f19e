"""Behaviour-cloning policy with discretised action chunks (wrist camera + proprio).

Demos are synthetic pick-and-place trajectories; actions are 7-D (xyz, rpy, gripper)
binned into uniform bins per dimension, and the policy predicts a chunk of future
actions from the current observation.
"""
import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class PolicyConfig:
    image_size: int = 48
    proprio_dim: int = 8
    action_dim: int = 7
    n_bins: int = 32
    chunk_size: int = 8          # actions predicted per forward pass
    n_obs_steps: int = 1
    n_action_steps: int = 10     # actions executed before replanning at rollout time
    hidden: int = 128
    batch_size: int = 16
    lr: float = 3e-4
    epochs: int = 2
    seed: int = 0


def make_demos(n_demos, cfg, rng):
    demos = []
    for _ in range(n_demos):
        T = rng.integers(40, 70)
        t = np.linspace(0, 1, T)[:, None]
        start = rng.uniform(-0.3, 0.3, size=(1, 3))
        goal = rng.uniform(-0.3, 0.3, size=(1, 3))
        xyz = start + (goal - start) * t + 0.01 * rng.standard_normal((T, 3))
        rpy = 0.1 * np.sin(2 * math.pi * t + rng.uniform(0, 1, (1, 3)))
        grip = (t > 0.5).astype(np.float32)
        actions = np.concatenate([np.diff(xyz, axis=0, prepend=xyz[:1]) * 20, rpy, grip], axis=1)
        proprio = np.concatenate([xyz, rpy, grip, grip], axis=1)
        images = rng.random((T, 3, cfg.image_size, cfg.image_size), dtype=np.float32)
        demos.append({"images": images, "proprio": proprio.astype(np.float32),
                      "actions": np.clip(actions, -1, 1).astype(np.float32)})
    return demos


def discretize(actions, n_bins):
    scaled = (actions + 1.0) / 2.0 * (n_bins - 1)
    return np.clip(np.round(scaled), 0, n_bins - 1).astype(np.int64)


class DemoChunkDataset(Dataset):
    def __init__(self, demos, horizon, n_bins):
        self.demos = demos
        self.horizon = horizon
        self.n_bins = n_bins
        self.index = []
        for d_i, d in enumerate(demos):
            T = len(d["actions"])
            for t in range(T - 1):
                self.index.append((d_i, t))

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        d_i, t = self.index[i]
        demo = self.demos[d_i]
        acts = demo["actions"][t:t + self.horizon]
        if len(acts) < self.horizon:
            pad = np.repeat(acts[-1:], self.horizon - len(acts), axis=0)
            acts = np.concatenate([acts, pad], axis=0)
        return {
            "image": torch.from_numpy(demo["images"][t]),
            "proprio": torch.from_numpy(demo["proprio"][t]),
            "action_bins": torch.from_numpy(discretize(acts, self.n_bins)),
        }


class ChunkPolicy(nn.Module):
    def __init__(self, cfg: PolicyConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = nn.Sequential(
            nn.Conv2d(3, 16, 5, stride=2, padding=2), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.proprio_mlp = nn.Sequential(nn.Linear(cfg.proprio_dim, 32), nn.ReLU())
        self.trunk = nn.Sequential(nn.Linear(32 + 32, cfg.hidden), nn.ReLU(),
                                   nn.Linear(cfg.hidden, cfg.hidden), nn.ReLU())
        self.head = nn.Linear(cfg.hidden, cfg.chunk_size * cfg.action_dim * cfg.n_bins)

    def forward(self, image, proprio):
        z = torch.cat([self.encoder(image), self.proprio_mlp(proprio)], dim=-1)
        out = self.head(self.trunk(z))
        return out.view(-1, self.cfg.chunk_size, self.cfg.action_dim, self.cfg.n_bins)


def train(cfg: PolicyConfig):
    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)

    demos = make_demos(12, cfg, rng)
    train_set = DemoChunkDataset(demos, horizon=cfg.n_action_steps, n_bins=cfg.n_bins)
    loader = DataLoader(train_set, batch_size=cfg.batch_size, shuffle=True, drop_last=True)

    policy = ChunkPolicy(cfg)
    opt = torch.optim.AdamW(policy.parameters(), lr=cfg.lr, weight_decay=1e-4)

    for epoch in range(cfg.epochs):
        running, n = 0.0, 0
        for step, batch in enumerate(loader):
            logits = policy(batch["image"], batch["proprio"])
            loss = F.cross_entropy(logits.reshape(-1, cfg.n_bins),
                                   batch["action_bins"].reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
            opt.step()
            running += loss.item()
            n += 1
            if step % 20 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.4f}")
            if step >= 40:
                break
        print(f"epoch {epoch} mean loss {running / max(n, 1):.4f}")
    return policy


if __name__ == "__main__":
    cfg = PolicyConfig()
    policy = train(cfg)
    torch.save(policy.state_dict(), "chunk_policy.pt")
