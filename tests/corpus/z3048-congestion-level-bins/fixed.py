import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class Config:
    n_sensors: int = 24
    n_steps: int = 600
    window: int = 12
    horizon: int = 3
    hidden: int = 32
    sigma_km: float = 1.5
    dist_cutoff: float = 0.1
    speed_bins: list = field(default_factory=lambda: [25.0, 45.0, 60.0])
    batch_size: int = 16
    epochs: int = 2
    lr: float = 3e-3
    seed: int = 7


cfg = Config()
NUM_LEVELS = len(cfg.speed_bins) + 1


def synth_corridor(cfg):
    rng = np.random.default_rng(cfg.seed)
    positions = np.sort(rng.uniform(0, 20, size=cfg.n_sensors))
    dist_rows = []
    for i in range(cfg.n_sensors):
        for j in range(cfg.n_sensors):
            if i != j and abs(positions[i] - positions[j]) < 4.0:
                dist_rows.append((f"S{i:03d}", f"S{j:03d}", abs(positions[i] - positions[j])))
    t = np.arange(cfg.n_steps)
    daily = 0.5 * (1 + np.sin(2 * math.pi * t / 288.0))
    base = 70 - 45 * daily[:, None] * np.exp(-((positions[None, :] - 10) ** 2) / 20)
    speeds = base + rng.normal(0, 6, size=base.shape)
    return dist_rows, np.clip(speeds, 3, 85).astype(np.float32)


def adjacency_from_distances(dist_rows, sensor_ids, sigma, cutoff):
    index = {sid: k for k, sid in enumerate(sensor_ids)}
    n = len(sensor_ids)
    A = torch.zeros(n, n)
    for a, b, d in dist_rows:
        w = math.exp(-(d / sigma) ** 2)
        if w >= cutoff:
            A[index[a], index[b]] = w
    A = A + torch.eye(n)
    deg = A.sum(1)
    d_inv_sqrt = deg.pow(-0.5)
    return d_inv_sqrt[:, None] * A * d_inv_sqrt[None, :]


def speed_to_level(speeds, bins):
    return np.digitize(speeds, bins).astype(np.int64)


class WindowDataset(Dataset):
    def __init__(self, speeds, levels, window, horizon):
        self.x = torch.from_numpy((speeds - speeds.mean()) / speeds.std())
        self.y = torch.from_numpy(levels)
        self.window = window
        self.horizon = horizon

    def __len__(self):
        return self.x.shape[0] - self.window - self.horizon + 1

    def __getitem__(self, i):
        hist = self.x[i:i + self.window].T
        target = self.y[i + self.window + self.horizon - 1]
        return {"hist": hist, "level": target}


class GraphConv(nn.Module):
    def __init__(self, in_dim, out_dim):
        super().__init__()
        self.lin = nn.Linear(in_dim, out_dim)

    def forward(self, x, A_hat):
        return torch.einsum("ij,bjf->bif", A_hat, self.lin(x))


class CongestionGCN(nn.Module):
    def __init__(self, window, hidden, n_levels):
        super().__init__()
        self.g1 = GraphConv(window, hidden)
        self.g2 = GraphConv(hidden, hidden)
        self.head = nn.Linear(hidden, n_levels)

    def forward(self, x, A_hat):
        h = F.relu(self.g1(x, A_hat))
        h = F.relu(self.g2(h, A_hat)) + h
        return self.head(h)


def main():
    torch.manual_seed(cfg.seed)
    dist_rows, speeds = synth_corridor(cfg)
    sensor_ids = [f"S{i:03d}" for i in range(cfg.n_sensors)]
    A_hat = adjacency_from_distances(dist_rows, sensor_ids, cfg.sigma_km, cfg.dist_cutoff)

    levels = speed_to_level(speeds, cfg.speed_bins)
    split = int(0.8 * cfg.n_steps)
    train_ds = WindowDataset(speeds[:split], levels[:split], cfg.window, cfg.horizon)
    val_ds = WindowDataset(speeds[split:], levels[split:], cfg.window, cfg.horizon)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = CongestionGCN(cfg.window, cfg.hidden, NUM_LEVELS)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for batch in train_dl:
            logits = model(batch["hist"], A_hat)
            loss = F.cross_entropy(logits.reshape(-1, NUM_LEVELS), batch["level"].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * batch["hist"].shape[0]
        model.eval()
        correct, total = 0, 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["hist"], A_hat).argmax(-1)
                correct += (pred == batch["level"]).sum().item()
                total += pred.numel()
        print(f"epoch {epoch} train_loss {running / len(train_ds):.4f} val_acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
