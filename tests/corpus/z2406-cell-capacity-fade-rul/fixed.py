"""Early cycle-life prediction for LFP/graphite cells.

Features are computed from the first `n_early` cycles of each cell's discharge data
(Severson-style: variance of the Q(V) difference between cycle 100 and 10, fade slope,
initial capacity, mean charge time, max temperature) and a small MLP regresses
log10(cycle life).
"""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, Dataset


@dataclass
class FadeConfig:
    seed: int = 3
    n_cells: int = 124
    n_early: int = 100
    v_grid: int = 200
    eol_fraction: float = 0.8
    hidden: list = field(default_factory=lambda: [64, 32])
    dropout: float = 0.1
    batch_size: int = 16
    epochs: int = 30
    lr: float = 1e-3
    weight_decay: float = 1e-4


def synth_cell(rng, cfg):
    """Returns discharge Q(V) curves for the early cycles and the cycle life."""
    q0 = rng.normal(1.07, 0.01)
    k = rng.lognormal(mean=-8.3, sigma=0.45)
    cycle_life = int(np.clip((1 - cfg.eol_fraction) / k, 150, 2300))
    v = np.linspace(2.0, 3.5, cfg.v_grid)
    base = 1.0 / (1.0 + np.exp((v - 3.3) * 18.0))
    cycles = np.arange(1, cfg.n_early + 1)
    fade = q0 * (1.0 - k * cycles) - 0.002 * np.log1p(cycles) * rng.uniform(0.5, 1.5)
    shape_drift = (k * 1e3) * 0.003 * np.outer(cycles / cfg.n_early, np.sin(np.pi * (v - 2.0) / 1.5))
    qv = fade[:, None] * base[None, :] - shape_drift + rng.normal(0, 2e-4, (cfg.n_early, cfg.v_grid))
    charge_time = rng.normal(11.0, 1.2) + 40.0 * k * 1e3 * 0.01
    t_max = rng.normal(34.0, 1.5) + 2.0 * k * 1e4
    return {"qv": qv, "q_dis": qv[:, 0], "charge_time": charge_time, "t_max": t_max, "life": cycle_life}


def early_cycle_features(cell):
    qv = cell["qv"]
    dq = qv[99] - qv[9]
    q = cell["q_dis"]
    slope, intercept = np.polyfit(np.arange(2, 100), q[1:99], 1)
    return np.array([
        np.log10(np.var(dq) + 1e-12),
        np.log10(np.abs(dq.min()) + 1e-12),
        slope * 1e4,
        intercept,
        q[1],
        q.max() - q[1],
        cell["charge_time"],
        cell["t_max"],
    ])


class CellLifeDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.from_numpy(X.astype(np.float32))
        self.y = torch.from_numpy(y.astype(np.float32))

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        return self.X[idx], self.y[idx]


class LifeMLP(nn.Module):
    def __init__(self, n_in, hidden, dropout):
        super().__init__()
        layers, prev = [], n_in
        for h in hidden:
            layers += [nn.Linear(prev, h), nn.SiLU(), nn.Dropout(dropout)]
            prev = h
        layers.append(nn.Linear(prev, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x).squeeze(-1)


def main(cfg: FadeConfig):
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    cells = [synth_cell(rng, cfg) for _ in range(cfg.n_cells)]
    X = np.stack([early_cycle_features(c) for c in cells])
    y = np.log10([c["life"] for c in cells])

    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=cfg.seed)
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)

    train_dl = DataLoader(CellLifeDataset(X_tr, y_tr), batch_size=cfg.batch_size, shuffle=True)
    test_ds = CellLifeDataset(X_te, y_te)

    model = LifeMLP(X.shape[1], cfg.hidden, cfg.dropout)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    loss_fn = nn.MSELoss()

    for epoch in range(cfg.epochs):
        model.train()
        for xb, yb in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        if epoch % 10 == 9:
            model.eval()
            with torch.no_grad():
                pred = model(test_ds.X)
                err = (10 ** pred - 10 ** test_ds.y).abs() / 10 ** test_ds.y
            print(f"epoch {epoch + 1:3d}  train_mse={loss.item():.4f}  test_MAPE={100 * err.mean().item():.1f}%")


if __name__ == "__main__":
    main(FadeConfig())
