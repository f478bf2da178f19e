"""Message-passing traffic speed model (plain torch, no PyG).

Sensor network described as a PeMS-style distance list
(from_sensor_id, to_sensor_id, cost_m). Edges kept when the road distance is
short enough, weighted with a thresholded Gaussian kernel, then used for
index_select / index_add_ message passing over sliding windows.
"""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class MPConfig:
    n_sensors: int = 24
    n_steps: int = 500
    window: int = 12
    horizon: int = 1
    hidden: int = 16
    n_layers: int = 2
    max_dist_m: float = 3500.0
    batch_size: int = 32
    epochs: int = 2
    seed: int = 11
    sensor_ids: list = field(default_factory=list)


def build_distance_list(cfg, rng):
    cfg.sensor_ids = [400000 + int(k) for k in rng.choice(9000, cfg.n_sensors, replace=False)]
    pos = np.cumsum(rng.uniform(200, 900, size=cfg.n_sensors))
    dist_list = []
    for a, sa in enumerate(cfg.sensor_ids):
        for b, sb in enumerate(cfg.sensor_ids):
            if a != b:
                dist_list.append((sa, sb, abs(pos[a] - pos[b]) * rng.uniform(1.0, 1.3)))
    return dist_list


def edges_from_distances(dist_list, sensor_ids, max_dist):
    id2idx = {sid: i for i, sid in enumerate(sensor_ids)}
    kept = [(id2idx[s], id2idx[d], c) for s, d, c in dist_list if c <= max_dist]
    arr = np.array(kept)
    costs = arr[:, 2]
    std = costs.std()
    weights = np.exp(-np.square(costs / std))
    edge_index = torch.from_numpy(arr[:, :2].T.copy()).long()
    edge_weight = torch.tensor(weights, dtype=torch.float32)
    return edge_index, edge_weight


class WindowDataset(Dataset):
    def __init__(self, series, window, horizon):
        self.series = series
        self.window = window
        self.horizon = horizon

    def __len__(self):
        return self.series.shape[0] - self.window - self.horizon + 1

    def __getitem__(self, i):
        w = self.window
        return {
            "x": self.series[i:i + w].T.unsqueeze(-1),           # (N, W, 1)
            "y": self.series[i + w + self.horizon - 1],           # (N,)
        }


class EdgeMP(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.msg = nn.Linear(dim, dim)
        self.upd = nn.Linear(2 * dim, dim)

    def forward(self, h, edge_index, edge_weight):
        src, dst = edge_index[0], edge_index[1]
        messages = self.msg(h.index_select(1, src)) * edge_weight[None, :, None]
        agg = torch.zeros_like(h).index_add_(1, dst, messages)
        return torch.relu(self.upd(torch.cat([h, agg], dim=-1)))


class SpeedMPNN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.temporal = nn.Conv1d(1, cfg.hidden, kernel_size=cfg.window)
        self.layers = nn.ModuleList([EdgeMP(cfg.hidden) for _ in range(cfg.n_layers)])
        self.out = nn.Linear(cfg.hidden, 1)

    def forward(self, x, edge_index, edge_weight):
        b, n, w, _ = x.shape
        h = self.temporal(x.reshape(b * n, w, 1).transpose(1, 2)).reshape(b, n, -1)
        for layer in self.layers:
            h = h + layer(h, edge_index, edge_weight)
        return self.out(h).squeeze(-1)


def synth_series(cfg, rng):
    t = np.arange(cfg.n_steps)
    base = 55 + 10 * np.sin(2 * np.pi * t / 288)[:, None]
    jam = rng.uniform(0, 1, size=(1, cfg.n_sensors)) * 15 * (np.sin(2 * np.pi * t / 96)[:, None] > 0.7)
    return torch.tensor(base - jam + rng.normal(0, 1.5, size=(cfg.n_steps, cfg.n_sensors)),
                        dtype=torch.float32)


def run(cfg):
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    dist_list = build_distance_list(cfg, rng)
    edge_index, edge_weight = edges_from_distances(dist_list, cfg.sensor_ids, cfg.max_dist_m)
    print(f"{edge_index.shape[1]} directed edges among {cfg.n_sensors} sensors")

    series = synth_series(cfg, rng)
    mu, sd = series.mean(), series.std()
    ds = WindowDataset((series - mu) / sd, cfg.window, cfg.horizon)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    model = SpeedMPNN(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    for ep in range(cfg.epochs):
        running, seen = 0.0, 0
        for batch in loader:
            pred = model(batch["x"], edge_index, edge_weight)
            loss = nn.functional.mse_loss(pred, batch["y"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item() * batch["x"].shape[0]
            seen += batch["x"].shape[0]
        print(f"epoch {ep}: rmse {np.sqrt(running / seen) * sd.item():.2f} km/h")


if __name__ == "__main__":
    run(MPConfig())
