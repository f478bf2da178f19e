import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class TorqueCfg:
    n_joints: int = 7
    control_hz: int = 100
    window_sec: float = 2.5
    stride_sec: float = 1.0
    episode_sec: float = 12.0
    n_episodes: int = 8
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    max_seq_len: int = 256
    dropout: float = 0.1
    batch_size: int = 16
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 7


def simulate_episode(cfg, rng):
    T = int(cfg.episode_sec * cfg.control_hz)
    t = np.arange(T) / cfg.control_hz
    freqs = rng.uniform(0.2, 0.8, size=cfg.n_joints)
    phases = rng.uniform(0, 2 * math.pi, size=cfg.n_joints)
    q = np.sin(2 * math.pi * freqs * t[:, None] + phases)
    qd = np.gradient(q, axis=0) * cfg.control_hz
    tau_model = 3.0 * q + 0.4 * qd
    tau_meas = tau_model + rng.normal(0, 0.15, size=tau_model.shape)
    contact = np.zeros(T, dtype=np.int64)
    if rng.random() < 0.6:
        start = rng.integers(T // 4, 3 * T // 4)
        dur = rng.integers(20, 80)
        joint = rng.integers(0, cfg.n_joints)
        tau_meas[start:start + dur, joint] += rng.uniform(2.0, 5.0)
        contact[start:start + dur] = 1
    residual = tau_meas - tau_model
    feats = np.concatenate([q, qd, residual], axis=1).astype(np.float32)
    return feats, contact


class TorqueWindows(Dataset):
    def __init__(self, cfg, rng):
        self.win = int(cfg.window_sec * cfg.control_hz)
        stride = int(cfg.stride_sec * cfg.control_hz)
        self.items = []
        for _ in range(cfg.n_episodes):
            feats, contact = simulate_episode(cfg, rng)
            for s in range(0, len(feats) - self.win + 1, stride):
                x = feats[s:s + self.win]
                y = int(contact[s:s + self.win].any())
                self.items.append((x, y))
        all_x = np.stack([x for x, _ in self.items])
        self.mean = all_x.mean(axis=(0, 1))
        self.std = all_x.std(axis=(0, 1)) + 1e-6

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        x, y = self.items[i]
        x = (x - self.mean) / self.std
        return torch.from_numpy(x), torch.tensor(y, dtype=torch.float32)


class CollisionTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        in_dim = 3 * cfg.n_joints
        self.inp = nn.Linear(in_dim, cfg.d_model)
        self.pos = nn.Embedding(cfg.max_seq_len, cfg.d_model)
        self.cls = nn.Parameter(torch.zeros(1, 1, cfg.d_model))
        layer = nn.TransformerEncoderLayer(
            cfg.d_model, cfg.n_heads, dim_feedforward=2 * cfg.d_model,
            dropout=cfg.dropout, batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.out = nn.Linear(cfg.d_model, 1)

    def forward(self, x):
        B, T, _ = x.shape
        steps = torch.arange(T, device=x.device).unsqueeze(0).expand(B, T)
        h = self.inp(x) + self.pos(steps)
        h = torch.cat([self.cls.expand(B, -1, -1), h], dim=1)
        h = self.encoder(h)
        return self.out(h[:, 0]).squeeze(-1)


def train(cfg):
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    ds = TorqueWindows(cfg, rng)
    print(f"{len(ds)} windows of {ds.win} steps, positive rate "
          f"{np.mean([y for _, y in ds.items]):.2f}")
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    model = CollisionTransformer(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    crit = nn.BCEWithLogitsLoss()

    for epoch in range(cfg.epochs):
        model.train()
        running, correct, seen = 0.0, 0, 0
        for x, y in loader:
            logits = model(x)
            loss = crit(logits, y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item() * len(y)
            correct += ((logits > 0).float() == y).sum().item()
            seen += len(y)
        print(f"epoch {epoch}: loss {running / seen:.4f} acc {correct / seen:.3f}")


if __name__ == "__main__":
    train(TorqueCfg())
