"""Predict next-day session RPE load from a GPS vest session (10 Hz, downsampled to 1 Hz).

Per-second features: speed (m/s), acceleration (m/s^2), speed zone (Z1..Z5 by the club's thresholds),
plus a few per-player covariates.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(7)
torch.manual_seed(7)

HZ = 1
SESSION_SECONDS = 300
N_PLAYERS = 18
SESSIONS_PER_PLAYER = 6
ZONE_EDGES = np.array([2.0, 4.0, 5.5, 7.0])   # m/s boundaries between Z1|Z2|Z3|Z4|Z5
N_ZONES = len(ZONE_EDGES) + 1
POSITIONS = ["GK", "CB", "FB", "CM", "WM", "ST"]


def simulate_session(position):
    base = {"GK": 0.9, "CB": 1.6, "FB": 2.1, "CM": 2.3, "WM": 2.4, "ST": 2.0}[position]
    t = np.arange(SESSION_SECONDS) / HZ
    speed = base + 1.2 * np.sin(t / 37.0) + rng.gamma(1.5, 0.6, size=t.shape)
    sprints = rng.random(t.shape) < 0.02
    speed[sprints] += rng.uniform(3.0, 5.0, size=sprints.sum())
    speed = np.clip(speed, 0.0, 9.8)
    accel = np.gradient(speed) * HZ
    return speed, accel


def speed_zone(speed):
    return np.digitize(speed, ZONE_EDGES)


def session_features(speed, accel):
    zone = speed_zone(speed)
    return np.stack([speed / 10.0, accel / 4.0, zone], axis=1).astype(np.float32)


def session_rpe_load(speed, accel, fitness):
    hsr = (speed > 5.5).sum() / HZ
    dist = speed.sum() / HZ
    acc_load = np.abs(accel).sum()
    return (0.004 * dist + 0.05 * hsr + 0.01 * acc_load) / fitness + rng.normal(0, 0.3)


def build_dataset():
    feats, covs, targets = [], [], []
    for p in range(N_PLAYERS):
        pos = POSITIONS[p % len(POSITIONS)]
        fitness = rng.uniform(0.8, 1.2)
        for _ in range(SESSIONS_PER_PLAYER):
            speed, accel = simulate_session(pos)
            feats.append(session_features(speed, accel))
            covs.append([POSITIONS.index(pos) / 5.0, fitness])
            targets.append(session_rpe_load(speed, accel, fitness))
    X = torch.from_numpy(np.stack(feats))
    C = torch.tensor(covs, dtype=torch.float32)
    y = torch.tensor(targets, dtype=torch.float32)
    y = (y - y.mean()) / y.std()
    return X, C, y


def init_params(zone_dim=8, hidden=32, n_cov=2):
    return {
        "zone_emb": nn.Embedding(N_ZONES, zone_dim),
        "conv1": nn.Conv1d(2 + zone_dim, hidden, kernel_size=9, padding=4),
        "conv2": nn.Conv1d(hidden, hidden, kernel_size=9, padding=4, dilation=1),
        "head": nn.Linear(hidden + n_cov, 1),
    }


def forward(params, x, cov):
    kinematics = x[..., :2]
    zone = x[..., 2].long()
    z = params["zone_emb"](zone)
    h = torch.cat([kinematics, z], dim=-1).transpose(1, 2)
    h = F.gelu(params["conv1"](h))
    h = F.gelu(params["conv2"](h))
    pooled = h.mean(dim=-1)
    return params["head"](torch.cat([pooled, cov], dim=-1)).squeeze(-1)


def train(X, C, y, epochs=4, batch_size=16, lr=3e-3):
    params = init_params()
    all_params = [p for m in params.values() for p in m.parameters()]
    opt = torch.optim.Adam(all_params, lr=lr)
    n_train = int(0.8 * len(X))
    perm = torch.randperm(len(X))
    tr_idx, va_idx = perm[:n_train], perm[n_train:]
    for epoch in range(epochs):
        shuffled = tr_idx[torch.randperm(len(tr_idx))]
        running = 0.0
        for i in range(0, len(shuffled), batch_size):
            b = shuffled[i:i + batch_size]
            pred = forward(params, X[b], C[b])
            loss = F.mse_loss(pred, y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(b)
        with torch.no_grad():
            va_loss = F.mse_loss(forward(params, X[va_idx], C[va_idx]), y[va_idx]).item()
        print(f"epoch {epoch}: train mse {running / len(tr_idx):.3f}  val mse {va_loss:.3f}")
    return params


if __name__ == "__main__":
    X, C, y = build_dataset()
    print("sessions:", X.shape, "covariates:", C.shape)
    train(X, C, y)
