import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


WINDOW = 12
STEPS_PER_DAY = 288


@dataclass
class ExpConfig:
    num_sensors: int = 30
    num_steps: int = 2000
    horizon: int = 1
    in_feats: int = WINDOW + 2
    hidden: int = 32
    knn: int = 4
    batch_graphs: int = 8
    iters: int = 40
    lr: float = 1e-3
    seed: int = 0


def make_sensor_network(num_sensors, rng):
    coords = rng.uniform(0, 10, size=(num_sensors, 2))
    distance_list = []
    for i in range(num_sensors):
        for j in range(num_sensors):
            if i == j:
                continue
            d = float(np.linalg.norm(coords[i] - coords[j]))
            distance_list.append({"from": i, "to": j, "km": d})
    return coords, distance_list


def knn_edges(distance_list, num_sensors, k):
    by_src = {i: [] for i in range(num_sensors)}
    for row in distance_list:
        by_src[row["from"]].append((row["km"], row["to"]))
    src, dst, w = [], [], []
    for i, cand in by_src.items():
        cand.sort()
        sigma = np.std([c[0] for c in cand])
        for km, j in cand[:k]:
            src.append(j)
            dst.append(i)
            w.append(math.exp(-(km / sigma) ** 2))
    edge_index = torch.tensor([src, dst], dtype=torch.long)
    edge_weight = torch.tensor(w, dtype=torch.float32)
    return edge_index, edge_weight


def simulate_flow(cfg, coords, rng):
    t = np.arange(cfg.num_steps)
    phase = coords[:, 0] / 10.0
    peak = np.sin(2 * math.pi * (t[:, None] / STEPS_PER_DAY - phase[None, :])) ** 2
    flow = 400 + 900 * peak + rng.normal(0, 40, size=peak.shape)
    return flow.astype(np.float32), t


def sliding_windows(flow, t, cfg):
    mu, sd = flow.mean(), flow.std()
    z = (flow - mu) / sd
    for start in range(0, len(z) - WINDOW - cfg.horizon):
        hist = z[start:start + WINDOW].T
        tod = 2 * math.pi * (t[start + WINDOW - 1] % STEPS_PER_DAY) / STEPS_PER_DAY
        tod_feats = np.tile([math.sin(tod), math.cos(tod)], (hist.shape[0], 1))
        x = np.concatenate([hist, tod_feats], axis=1)
        y = z[start + WINDOW + cfg.horizon - 1]
        yield torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y)


def batch_graphs(samples, edge_index, edge_weight, num_sensors):
    xs, ys, eis, ews = [], [], [], []
    for g, (x, y) in enumerate(samples):
        xs.append(x)
        ys.append(y)
        eis.append(edge_index + g * num_sensors)
        ews.append(edge_weight)
    return torch.cat(xs), torch.cat(ys), torch.cat(eis, dim=1), torch.cat(ews)


class MessagePassing(nn.Module):
    def __init__(self, in_dim, out_dim):
        super().__init__()
        self.msg = nn.Linear(in_dim, out_dim)
        self.upd = nn.Linear(in_dim + out_dim, out_dim)

    def forward(self, x, edge_index, edge_weight):
        src, dst = edge_index
        m = self.msg(x).index_select(0, src) * edge_weight[:, None]
        agg = torch.zeros(x.shape[0], m.shape[1], dtype=x.dtype).index_add(0, dst, m)
        deg = torch.zeros(x.shape[0]).index_add(0, dst, edge_weight).clamp(min=1e-6)
        agg = agg / deg[:, None]
        return F.gelu(self.upd(torch.cat([x, agg], dim=-1)))


class FlowMPNN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layers = nn.ModuleList([
            MessagePassing(cfg.in_feats, cfg.hidden),
            MessagePassing(cfg.hidden, cfg.hidden),
        ])
        self.readout = nn.Linear(cfg.hidden, 1)

    def forward(self, x, edge_index, edge_weight):
        for layer in self.layers:
            x = layer(x, edge_index, edge_weight)
        return self.readout(x).squeeze(-1)


def train(cfg):
    rng = np.random.default_rng(cfg.seed)
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    coords, distance_list = make_sensor_network(cfg.num_sensors, rng)
    edge_index, edge_weight = knn_edges(distance_list, cfg.num_sensors, cfg.knn)
    flow, t = simulate_flow(cfg, coords, rng)
    samples = list(sliding_windows(flow, t, cfg))

    model = FlowMPNN(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    for it in range(cfg.iters):
        chunk = random.sample(samples, cfg.batch_graphs)
        x, y, ei, ew = batch_graphs(chunk, edge_index, edge_weight, cfg.num_sensors)
        pred = model(x, ei, ew)
        loss = F.mse_loss(pred, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 10 == 0:
            print(f"iter {it:3d}  mse {loss.item():.4f}")
    return model


if __name__ == "__main__":
    train(ExpConfig())
