import csv
import io
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GATConfig:
    num_sensors: int = 36
    lookback: int = 12
    lead: int = 6
    d_model: int = 32
    heads: int = 4
    dist_threshold_m: float = 1800.0
    batch_size: int = 24
    epochs: int = 3
    lr: float = 2e-3
    seed: int = 3


def fake_distance_csv(cfg):
    rng = np.random.default_rng(cfg.seed)
    pos = np.cumsum(rng.uniform(200, 900, size=cfg.num_sensors))
    lane_offset = rng.choice([0.0, 400.0], size=cfg.num_sensors)
    buf = io.StringIO()
    wr = csv.writer(buf)
    wr.writerow(["from", "to", "cost"])
    for i in range(cfg.num_sensors):
        for j in range(cfg.num_sensors):
            if i != j:
                d = abs(pos[i] - pos[j]) + abs(lane_offset[i] - lane_offset[j])
                wr.writerow([f"S{i:03d}", f"S{j:03d}", f"{d:.1f}"])
    buf.seek(0)
    return buf


def load_adjacency(fh, sensor_ids, threshold):
    idx = {s: k for k, s in enumerate(sensor_ids)}
    n = len(sensor_ids)
    dist = torch.full((n, n), float("inf"))
    for row in csv.DictReader(fh):
        dist[idx[row["from"]], idx[row["to"]]] = float(row["cost"])
    dist.fill_diagonal_(0.0)
    finite = dist[torch.isfinite(dist)]
    sigma = finite.std()
    adj = torch.exp(-(dist / sigma) ** 2)
    adj[dist > threshold] = 0.0
    return adj


def window_batches(series, cfg, shuffle=True, gen=None):
    T = series.shape[0]
    starts = torch.arange(0, T - cfg.lookback - cfg.lead + 1)
    if shuffle:
        starts = starts[torch.randperm(len(starts), generator=gen)]
    for k in range(0, len(starts), cfg.batch_size):
        s = starts[k:k + cfg.batch_size]
        xs = torch.stack([series[i:i + cfg.lookback] for i in s])
        ys = torch.stack([series[i + cfg.lookback + cfg.lead - 1] for i in s])
        yield {"x": xs, "y": ys}


class SpatialAttention(nn.Module):
    def __init__(self, d_model, heads):
        super().__init__()
        self.h = heads
        self.dk = d_model // heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x, blocked):
        B, N, D = x.shape
        q, k, v = self.qkv(x).view(B, N, 3, self.h, self.dk).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.dk)
        scores = scores.masked_fill(blocked, float("-inf"))
        attn = scores.softmax(dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(B, N, D)
        return self.proj(out)


class TrafficGAT(nn.Module):
    def __init__(self, cfg, adj):
        super().__init__()
        self.register_buffer("blocked", 1 - (adj > 0).to(adj.dtype))
        self.temporal = nn.GRU(1, cfg.d_model, batch_first=True)
        self.spatial = SpatialAttention(cfg.d_model, cfg.heads)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, 1)

    def forward(self, x):
        B, T, N = x.shape
        seq = x.permute(0, 2, 1).reshape(B * N, T, 1)
        _, h = self.temporal(seq)
        h = h[-1].view(B, N, -1)
        h = self.norm(h + self.spatial(h, self.blocked))
        return self.head(h).squeeze(-1)


def main():
    cfg = GATConfig()
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)

    sensor_ids = [f"S{i:03d}" for i in range(cfg.num_sensors)]
    adj = load_adjacency(fake_distance_csv(cfg), sensor_ids, cfg.dist_threshold_m)
    print("edges kept:", int((adj > 0).sum()) - cfg.num_sensors)

    t = torch.arange(1500, dtype=torch.float32)
    daily = torch.sin(2 * math.pi * t / 288).unsqueeze(1)
    phase = torch.linspace(0, 1.5, cfg.num_sensors).unsqueeze(0)
    flow = 400 + 150 * torch.sin(2 * math.pi * t.unsqueeze(1) / 288 + phase) + 20 * torch.randn(1500, cfg.num_sensors)
    flow = flow + 30 * daily
    mu, sd = flow.mean(0), flow.std(0)
    series = (flow - mu) / sd
    train, test = series[:1200], series[1200:]

    model = TrafficGAT(cfg, adj)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for ep in range(cfg.epochs):
        model.train()
        tot, cnt = 0.0, 0
        for batch in window_batches(train, cfg, gen=gen):
            pred = model(batch["x"])
            loss = F.mse_loss(pred, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * batch["x"].shape[0]
            cnt += batch["x"].shape[0]
        model.eval()
        with torch.no_grad():
            errs = [
                (model(b["x"]) - b["y"]).abs().mul(sd).mean().item()
                for b in window_batches(test, cfg, shuffle=False)
            ]
        print(f"epoch {ep}: train mse {tot / cnt:.4f}  test MAE {np.mean(errs):.1f} veh/h")


if __name__ == "__main__":
    main()
