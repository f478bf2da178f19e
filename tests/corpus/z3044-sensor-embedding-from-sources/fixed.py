import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn


@dataclass
class GraphConfig:
    n_sensors: int = 48
    window: int = 12
    horizon: int = 3
    hidden: int = 32
    node_emb_dim: int = 8
    sigma_km: float = 1.5
    kernel_cutoff: float = 0.1
    batch_size: int = 16
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 7


def make_distance_list(cfg):
    rng = random.Random(cfg.seed)
    coords = [(rng.uniform(0, 10), rng.uniform(0, 10)) for _ in range(cfg.n_sensors)]
    exits = set(range(cfg.n_sensors - 3, cfg.n_sensors))
    rows = []
    for i, (xi, yi) in enumerate(coords):
        for j, (xj, yj) in enumerate(coords):
            if i == j:
                continue
            d = math.hypot(xi - xj, yi - yj)
            if d < 2.5 and i not in exits:
                rows.append((i, j, d))
    return rows


def build_edges(dist_rows, cfg):
    src, dst, w = [], [], []
    for a, b, d in dist_rows:
        weight = math.exp(-(d / cfg.sigma_km) ** 2)
        if weight >= cfg.kernel_cutoff:
            src.append(a)
            dst.append(b)
            w.append(weight)
    edge_index = torch.tensor([src, dst], dtype=torch.long)
    edge_weight = torch.tensor(w, dtype=torch.float32)
    return edge_index, edge_weight


def synth_readings(cfg, n_steps=600):
    g = np.random.default_rng(cfg.seed)
    t = np.arange(n_steps)
    base = 55 + 10 * np.sin(2 * np.pi * t / 288)[:, None]
    noise = g.normal(0, 2.0, size=(n_steps, cfg.n_sensors))
    offsets = g.uniform(-5, 5, size=(1, cfg.n_sensors))
    return (base + noise + offsets).astype(np.float32)


def sliding_windows(series, window, horizon):
    for start in range(0, series.shape[0] - window - horizon + 1):
        x = series[start:start + window]
        y = series[start + window:start + window + horizon]
        yield x, y


class GraphConv(nn.Module):
    def __init__(self, in_dim, out_dim):
        super().__init__()
        self.lin_self = nn.Linear(in_dim, out_dim)
        self.lin_nb = nn.Linear(in_dim, out_dim)

    def forward(self, h, edge_index, edge_weight):
        # h: (B, N, F)
        src, dst = edge_index
        msg = h.index_select(1, src) * edge_weight.view(1, -1, 1)
        agg = torch.zeros_like(h).index_add_(1, dst, msg)
        deg = torch.zeros(h.shape[1]).index_add_(0, dst, edge_weight).clamp(min=1e-6)
        agg = agg / deg.view(1, -1, 1)
        return torch.relu(self.lin_self(h) + self.lin_nb(agg))


class SpatioTemporalNet(nn.Module):
    def __init__(self, cfg, num_nodes):
        super().__init__()
        self.node_emb = nn.Embedding(num_nodes, cfg.node_emb_dim)
        self.inp = nn.Linear(cfg.window + cfg.node_emb_dim, cfg.hidden)
        self.gc1 = GraphConv(cfg.hidden, cfg.hidden)
        self.gc2 = GraphConv(cfg.hidden, cfg.hidden)
        self.out = nn.Linear(cfg.hidden, cfg.horizon)

    def forward(self, x, node_ids, edge_index, edge_weight):
        # x: (B, T, N) -> (B, N, T)
        h = x.transpose(1, 2)
        e = self.node_emb(node_ids).unsqueeze(0).expand(h.shape[0], -1, -1)
        h = self.inp(torch.cat([h, e], dim=-1))
        h = self.gc1(h, edge_index, edge_weight)
        h = self.gc2(h, edge_index, edge_weight)
        return self.out(h).transpose(1, 2)


def main():
    cfg = GraphConfig()
    torch.manual_seed(cfg.seed)

    dist_rows = make_distance_list(cfg)
    edge_index, edge_weight = build_edges(dist_rows, cfg)
    sensors_seen = sorted({a for a, _, _ in dist_rows})
    num_nodes = cfg.n_sensors
    print(f"{len(dist_rows)} distance pairs, {edge_index.shape[1]} edges, {num_nodes} sensors")

    series = synth_readings(cfg)
    mean, std = series.mean(), series.std()
    series = (series - mean) / std

    pairs = list(sliding_windows(series, cfg.window, cfg.horizon))
    X = torch.tensor(np.stack([p[0] for p in pairs]))
    Y = torch.tensor(np.stack([p[1] for p in pairs]))
    ds = torch.utils.data.TensorDataset(X, Y)
    loader = torch.utils.data.DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    model = SpatioTemporalNet(cfg, num_nodes)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    node_ids = torch.arange(cfg.n_sensors)

    for epoch in range(cfg.epochs):
        running = 0.0
        for xb, yb in loader:
            pred = model(xb, node_ids, edge_index, edge_weight)
            loss = nn.functional.l1_loss(pred, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * xb.shape[0]
        print(f"epoch {epoch} MAE(norm) {running / len(ds):.4f}")


if __name__ == "__main__":
    main()
