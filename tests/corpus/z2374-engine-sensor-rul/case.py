from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class RulConfig:
    n_engines: int = 12
    n_sensors: int = 14
    min_life: int = 140
    max_life: int = 260
    warmup_cycles: int = 5
    window: int = 30
    rul_cap: int = 125
    batch_size: int = 64
    epochs: int = 3
    lr: float = 1e-3
    seed: int = 3
    sensor_names: list = field(default_factory=lambda: [
        "T24", "T30", "T50", "P30", "Nf", "Nc", "Ps30",
        "phi", "NRf", "NRc", "BPR", "htBleed", "W31", "W32"])


def simulate_fleet(cfg):
    rng = np.random.default_rng(cfg.seed)
    fleet = []
    for unit in range(cfg.n_engines):
        life = int(rng.integers(cfg.min_life, cfg.max_life))
        cycles = np.arange(1, life + 1)
        base = rng.normal(0, 1, size=cfg.n_sensors)
        slope = rng.uniform(0.002, 0.01, size=cfg.n_sensors)
        degradation = np.exp(slope[None, :] * cycles[:, None]) - 1
        noise = rng.normal(0, 0.15, size=(life, cfg.n_sensors))
        readings = base + degradation + noise
        readings[: cfg.warmup_cycles] += rng.normal(0, 2.0, size=(cfg.warmup_cycles, cfg.n_sensors))
        fleet.append({"unit": unit + 1, "cycles": cycles, "readings": readings.astype(np.float32)})
    return fleet


def piecewise_rul(cycles, cap):
    rul = cycles.max() - cycles
    return np.minimum(rul, cap).astype(np.float32)


def fit_scaler(fleet, warmup):
    stacked = np.concatenate([e["readings"][warmup:] for e in fleet])
    return stacked.mean(0), stacked.std(0) + 1e-6


def build_windows(engine, cfg, mu, sigma):
    sensors = torch.from_numpy((engine["readings"][cfg.warmup_cycles:] - mu) / sigma)
    rul = torch.from_numpy(piecewise_rul(engine["cycles"], cfg.rul_cap))
    xs, ys, last = [], [], []
    for t in range(cfg.window, len(rul)):
        xs.append(sensors[t - cfg.window:t])
        last.append(sensors[t])
        ys.append(rul[t])
    return torch.stack(xs), torch.stack(last), torch.stack(ys)


class RulCNN(nn.Module):
    def __init__(self, n_sensors, window):
        super().__init__()
        self.conv1 = nn.Conv1d(n_sensors, 32, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(32, 32, kernel_size=5, padding=2)
        self.fc = nn.Linear(32 + n_sensors, 1)

    def forward(self, x, last):
        h = F.relu(self.conv1(x.transpose(1, 2)))
        h = F.relu(self.conv2(h)).mean(-1)
        return self.fc(torch.cat([h, last], dim=-1)).squeeze(-1)


def main():
    cfg = RulConfig()
    torch.manual_seed(cfg.seed)
    fleet = simulate_fleet(cfg)
    train_units, test_units = fleet[:10], fleet[10:]
    mu, sigma = fit_scaler(train_units, cfg.warmup_cycles)

    parts = [build_windows(e, cfg, mu, sigma) for e in train_units]
    X = torch.cat([p[0] for p in parts])
    L = torch.cat([p[1] for p in parts])
    Y = torch.cat([p[2] for p in parts])
    print("train windows:", X.shape)

    model = RulCNN(cfg.n_sensors, cfg.window)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        perm = torch.randperm(len(X))
        for i in range(0, len(X), cfg.batch_size):
            idx = perm[i:i + cfg.batch_size]
            pred = model(X[idx], L[idx])
            loss = F.mse_loss(pred, Y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} rmse {loss.sqrt().item():.2f}")

    model.eval()
    with torch.no_grad():
        for e in test_units:
            xt, lt, yt = build_windows(e, cfg, mu, sigma)
            rmse = F.mse_loss(model(xt, lt), yt).sqrt().item()
            print(f"unit {e['unit']}: test rmse {rmse:.2f}")


if __name__ == "__main__":
    main()
