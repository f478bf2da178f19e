"""Diffusion-style graph convolution forecaster on a synthetic loop-detector network.

Builds a Gaussian-kernel adjacency from a pairwise sensor distance list,
cuts the speed series into (history, horizon) windows and trains a small
GCN + GRU model for a few epochs.
"""
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn


@dataclass
class ForecastConfig:
    num_sensors: int = 20
    num_steps: int = 288          # one day at 5-min resolution
    history: int = 12
    horizon: int = 3
    hidden: int = 32
    sigma_km: float = 1.5
    kernel_threshold: float = 0.1
    batch_size: int = 16
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 7


def synth_distance_list(cfg):
    rng = np.random.default_rng(cfg.seed)
    coords = rng.uniform(0, 10, size=(cfg.num_sensors, 2))
    rows = []
    for i in range(cfg.num_sensors):
        for j in range(cfg.num_sensors):
            if i == j:
                continue
            d = float(np.linalg.norm(coords[i] - coords[j]))
            if d < 4.0:
                rows.append((i, j, d))
    return rows


def gaussian_adjacency(dist_rows, n, sigma, thresh):
    adj = torch.zeros(n, n)
    for src, dst, d in dist_rows:
        w = math.exp(-(d / sigma) ** 2)
        if w >= thresh:
            adj[src, dst] = w
    adj = adj + torch.eye(n)
    deg = adj.sum(1)
    d_inv_sqrt = deg.pow(-0.5)
    return d_inv_sqrt[:, None] * adj * d_inv_sqrt[None, :]


def synth_speeds(cfg):
    g = torch.Generator().manual_seed(cfg.seed)
    t = torch.arange(cfg.num_steps, dtype=torch.float32)
    daily = 60 - 25 * torch.exp(-((t - 96) / 20) ** 2) - 30 * torch.exp(-((t - 210) / 25) ** 2)
    offsets = torch.randn(cfg.num_sensors, 1, generator=g) * 4
    noise = torch.randn(cfg.num_sensors, cfg.num_steps, generator=g) * 2
    return (daily[None, :] + offsets + noise).clamp(min=5.0)


def make_windows(speeds, history, horizon):
    num_steps = speeds.shape[1]
    xs, ys = [], []
    for start in range(num_steps - history - horizon + 1):
        x = speeds[:, start:start + history]
        y = torch.stack([speeds[:, start + history + h] for h in range(horizon)], dim=-1)
        xs.append(x)
        ys.append(y)
    return torch.stack(xs), torch.stack(ys)


class GraphConv(nn.Module):
    def __init__(self, in_dim, out_dim):
        super().__init__()
        self.lin = nn.Linear(in_dim, out_dim)

    def forward(self, x, adj):
        # x: (B, N, F)
        return torch.relu(self.lin(torch.einsum("nm,bmf->bnf", adj, x)))


class GCNGRU(nn.Module):
    def __init__(self, cfg, adj):
        super().__init__()
        self.register_buffer("adj", adj)
        self.gc = GraphConv(1, cfg.hidden)
        self.gru = nn.GRU(cfg.hidden, cfg.hidden, batch_first=True)
        self.head = nn.Linear(cfg.hidden, cfg.horizon)

    def forward(self, x):
        b, n, t = x.shape
        feats = [self.gc(x[:, :, k:k + 1], self.adj) for k in range(t)]
        seq = torch.stack(feats, dim=2).reshape(b * n, t, -1)
        _, h = self.gru(seq)
        return self.head(h[-1]).reshape(b, n, -1)


def main():
    cfg = ForecastConfig()
    torch.manual_seed(cfg.seed)
    rows = synth_distance_list(cfg)
    adj = gaussian_adjacency(rows, cfg.num_sensors, cfg.sigma_km, cfg.kernel_threshold)
    print(f"{len(rows)} sensor pairs, adjacency density {(adj > 0).float().mean():.2f}")

    speeds = synth_speeds(cfg)
    mean, std = speeds.mean(), speeds.std()
    speeds_n = (speeds - mean) / std
    X, Y = make_windows(speeds_n, cfg.history, cfg.horizon)
    print("windows:", X.shape, Y.shape)

    n_train = int(0.8 * len(X))
    model = GCNGRU(cfg, adj)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.L1Loss()

    for epoch in range(cfg.epochs):
        perm = torch.randperm(n_train)
        total = 0.0
        for i in range(0, n_train, cfg.batch_size):
            idx = perm[i:i + cfg.batch_size]
            pred = model(X[idx])
            loss = loss_fn(pred, Y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        with torch.no_grad():
            val = loss_fn(model(X[n_train:]), Y[n_train:]).item() * std.item()
        print(f"epoch {epoch}: train MAE {total / n_train * std.item():.2f} km/h, val MAE {val:.2f} km/h")


if __name__ == "__main__":
    main()
