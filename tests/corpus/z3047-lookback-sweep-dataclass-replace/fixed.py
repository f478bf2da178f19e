import time
from dataclasses import dataclass, field, replace, asdict

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class RunConfig:
    n_sensors: int = 25
    interval_min: int = 5
    lookback_hours: float = 1.0
    horizon_steps: int = 3
    k_hops: int = 2
    hidden: int = 24
    reach_km: float = 2.0
    epochs: int = 2
    batch_size: int = 64
    lr: float = 5e-3
    seed: int = 21
    lookback_steps: int = field(init=False)

    def __post_init__(self):
        self.lookback_steps = int(round(self.lookback_hours * 60 / self.interval_min))


def sensor_distances(cfg):
    rng = np.random.default_rng(cfg.seed)
    km_marks = np.sort(rng.uniform(0, 20, size=cfg.n_sensors))
    out = []
    for a in range(cfg.n_sensors):
        for b in range(cfg.n_sensors):
            gap = km_marks[b] - km_marks[a]
            if 0 < gap <= cfg.reach_km:
                out.append((a, b, gap))
    return out


def edges_from(dists, n):
    ei = torch.tensor([[a for a, _, _ in dists], [b for _, b, _ in dists]], dtype=torch.long)
    w = torch.tensor([np.exp(-g) for _, _, g in dists], dtype=torch.float32)
    out_deg = torch.zeros(n).index_add_(0, ei[0], w)
    w = w / out_deg[ei[0]].clamp(min=1e-6)
    return ei, w


class DiffusionConv(nn.Module):
    def __init__(self, c_in, c_out, k_hops):
        super().__init__()
        self.k = k_hops
        self.theta = nn.Linear(c_in * (k_hops + 1), c_out)

    def forward(self, x, ei, w):
        hops = [x]
        cur = x
        for _ in range(self.k):
            msg = cur.index_select(1, ei[0]) * w[None, :, None]
            cur = torch.zeros_like(cur).index_add_(1, ei[1], msg)
            hops.append(cur)
        return self.theta(torch.cat(hops, dim=-1))


class DCForecaster(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dc1 = DiffusionConv(cfg.lookback_steps, cfg.hidden, cfg.k_hops)
        self.dc2 = DiffusionConv(cfg.hidden, cfg.hidden, cfg.k_hops)
        self.out = nn.Linear(cfg.hidden, cfg.horizon_steps)

    def forward(self, x, ei, w):
        h = torch.relu(self.dc1(x.transpose(1, 2), ei, w))
        h = torch.relu(self.dc2(h, ei, w))
        return self.out(h).transpose(1, 2)


class Windows(Dataset):
    def __init__(self, arr, lookback, horizon):
        self.arr = torch.from_numpy(arr)
        self.lb, self.hz = lookback, horizon
        self.n = arr.shape[0] - lookback - horizon + 1

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.arr[i:i + self.lb], self.arr[i + self.lb:i + self.lb + self.hz]


def occupancy_series(cfg, days=3):
    rng = np.random.default_rng(cfg.seed + 1)
    per_day = 24 * 60 // cfg.interval_min
    t = np.arange(days * per_day) / per_day
    peak = np.exp(-((t % 1 - 0.33) / 0.05) ** 2) + 0.8 * np.exp(-((t % 1 - 0.72) / 0.06) ** 2)
    occ = 0.08 + 0.25 * peak[:, None] * rng.uniform(0.6, 1.2, size=(1, cfg.n_sensors))
    occ += rng.normal(0, 0.01, size=occ.shape)
    return np.clip(occ, 0, 1).astype(np.float32)


def run(cfg, ei, w, series):
    torch.manual_seed(cfg.seed)
    split = int(0.8 * len(series))
    tr = DataLoader(Windows(series[:split], cfg.lookback_steps, cfg.horizon_steps),
                    batch_size=cfg.batch_size, shuffle=True)
    te = DataLoader(Windows(series[split:], cfg.lookback_steps, cfg.horizon_steps),
                    batch_size=cfg.batch_size)
    model = DCForecaster(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for _ in range(cfg.epochs):
        for xb, yb in tr:
            loss = nn.functional.l1_loss(model(xb, ei, w), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        maes = [nn.functional.l1_loss(model(xb, ei, w), yb).item() for xb, yb in te]
    return float(np.mean(maes))


def main():
    base = RunConfig()
    dists = sensor_distances(base)
    ei, w = edges_from(dists, base.n_sensors)
    series = occupancy_series(base)
    print(f"{base.n_sensors} sensors, {ei.shape[1]} directed links, {series.shape[0]} steps")

    t0 = time.time()
    base_mae = run(base, ei, w, series)
    print(f"baseline lookback={base.lookback_steps} steps: MAE {base_mae:.4f} ({time.time() - t0:.1f}s)")

    results = {}
    for hours in (0.5, 1.5, 2.0):
        cfg = replace(base, lookback_hours=hours)
        results[hours] = run(cfg, ei, w, series)
        print(f"lookback {hours}h -> MAE {results[hours]:.4f}")

    best = min(results, key=results.get)
    print("best lookback (h):", best, asdict(replace(base, lookback_hours=best)))


if __name__ == "__main__":
    main()
