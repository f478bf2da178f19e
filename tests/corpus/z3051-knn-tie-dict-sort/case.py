import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GraphCfg:
    n_detectors: int = 32
    k_neighbors: int = 5
    corridor_km: float = 15.0
    window: int = 8
    horizon: int = 2
    n_steps: int = 500
    hidden: int = 24
    epochs: int = 3
    lr: float = 2e-3
    seed: int = 3


def detector_inventory(cfg, rng):
    inventory = []
    for k in range(cfg.n_detectors):
        inventory.append({
            "detector_id": f"D{1000 + k}",
            "km_post": round(float(rng.uniform(0, cfg.corridor_km)), 1),
            "lanes": int(rng.integers(2, 5)),
            "direction": "NB" if k % 2 == 0 else "SB",
        })
    return inventory


def neighbour_lists(inventory, k):
    out = {}
    for det in inventory:
        cands = []
        for other in inventory:
            if other["detector_id"] == det["detector_id"]:
                continue
            if other["direction"] != det["direction"]:
                continue
            gap = round(abs(other["km_post"] - det["km_post"]), 1)
            cands.append((gap, other))
        cands.sort()
        out[det["detector_id"]] = cands[:k]
    return out


def to_edge_index(inventory, neighbours):
    pos = {det["detector_id"]: i for i, det in enumerate(inventory)}
    rows, cols, weights = [], [], []
    for did, nbrs in neighbours.items():
        for gap, other in nbrs:
            rows.append(pos[other["detector_id"]])
            cols.append(pos[did])
            weights.append(math.exp(-gap))
    return torch.tensor([rows, cols]), torch.tensor(weights)


def simulate_speeds(cfg, inventory, rng):
    km = np.array([d["km_post"] for d in inventory])
    t = np.arange(cfg.n_steps)[:, None]
    wave = np.exp(-((km[None, :] - (t * 0.05) % cfg.corridor_km) ** 2) / 3.0)
    v = 100 - 55 * wave + rng.normal(0, 4, size=wave.shape)
    return torch.tensor(v, dtype=torch.float32)


def windows(speeds, window, horizon):
    xs = speeds.unfold(0, window, 1)[: -horizon]
    ys = speeds[window + horizon - 1:]
    return xs, ys


class DiffusionLayer(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.self_lin = nn.Linear(d_in, d_out)
        self.nbr_lin = nn.Linear(d_in, d_out, bias=False)

    def forward(self, h, edge_index, w):
        src, dst = edge_index
        msgs = h.index_select(-2, src) * w[:, None]
        agg = torch.zeros_like(h).index_add(-2, dst, msgs)
        norm = torch.zeros(h.shape[-2]).index_add(0, dst, w).clamp(min=1e-6)
        return torch.relu(self.self_lin(h) + self.nbr_lin(agg / norm[:, None]))


class SpeedForecaster(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.l1 = DiffusionLayer(cfg.window, cfg.hidden)
        self.l2 = DiffusionLayer(cfg.hidden, cfg.hidden)
        self.out = nn.Linear(cfg.hidden, 1)

    def forward(self, x, edge_index, w):
        h = self.l1(x, edge_index, w)
        h = self.l2(h, edge_index, w)
        return self.out(h).squeeze(-1)


def run(cfg):
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    inventory = detector_inventory(cfg, rng)
    neighbours = neighbour_lists(inventory, cfg.k_neighbors)
    edge_index, edge_w = to_edge_index(inventory, neighbours)
    speeds = simulate_speeds(cfg, inventory, rng)
    mu, sd = speeds.mean(), speeds.std()
    xs, ys = windows((speeds - mu) / sd, cfg.window, cfg.horizon)

    model = SpeedForecaster(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    perm = torch.randperm(xs.shape[0])
    for epoch in range(cfg.epochs):
        losses = []
        for chunk in perm.split(32):
            pred = model(xs[chunk], edge_index, edge_w)
            loss = F.l1_loss(pred, ys[chunk])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: MAE {np.mean(losses) * sd.item():.2f} km/h")


if __name__ == "__main__":
    run(GraphCfg())
