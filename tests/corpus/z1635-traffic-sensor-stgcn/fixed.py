"""
Short-horizon traffic speed forecasting on a loop-detector graph
(METR-LA style windows: (batch, time, sensors)). Temporal conv per sensor,
then one diffusion step over the road-distance graph, then a linear head.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

GRID = 5                       # 5x5 sensors along a street grid
N_SENSORS = GRID * GRID
N_STEPS = 288 * 2              # two days of 5-minute readings
HIST, HORIZON = 12, 3
SIGMA = 1.2                    # km, gaussian kernel width
KERNEL_THRESH = 0.1


def sensor_layout():
    xy = torch.stack(torch.meshgrid(torch.arange(GRID), torch.arange(GRID), indexing="ij"), -1)
    xy = xy.reshape(-1, 2).float() * 0.8 + 0.1 * torch.randn(N_SENSORS, 2)
    return xy


def gaussian_adjacency(xy):
    dist = torch.cdist(xy, xy)
    W = torch.exp(-(dist / SIGMA) ** 2)
    W[W < KERNEL_THRESH] = 0.0
    W.fill_diagonal_(1.0)
    deg = W.sum(1)
    return W / deg[:, None]                 # random-walk normalisation


def simulate_speeds(W):
    t = torch.arange(N_STEPS).float()
    daily = 1.0 - 0.35 * torch.exp(-((t % 288 - 96) / 20) ** 2) - 0.3 * torch.exp(-((t % 288 - 210) / 25) ** 2)
    base = 60 + 8 * torch.randn(N_SENSORS)
    speed = base[None, :] * daily[:, None] + 3 * torch.randn(N_STEPS, N_SENSORS)
    for _ in range(2):                        # congestion spreads to neighbours
        speed = speed @ W.t()
    return speed                              # (time, sensors)


def make_windows(speed):
    xs, ys = [], []
    for s in range(0, speed.size(0) - HIST - HORIZON, 2):
        xs.append(speed[s:s + HIST])
        ys.append(speed[s + HIST:s + HIST + HORIZON])
    return torch.stack(xs), torch.stack(ys)   # (W, HIST, N), (W, HORIZON, N)


class TemporalGraphBlock(nn.Module):
    def __init__(self, adj, n_channels=16, kernel=3):
        super().__init__()
        self.register_buffer("adj", adj)
        self.tconv = nn.Conv1d(1, n_channels, kernel)
        t_out = HIST - kernel + 1
        self.mix = nn.Linear(n_channels * t_out, 64)
        self.head = nn.Linear(64, HORIZON)

    def forward(self, x):
        B, T, N = x.shape
        per_sensor = x.permute(0, 2, 1).reshape(B * N, 1, T)
        z = F.relu(self.tconv(per_sensor))                 # (B*N, C, T')
        z = z.view(B, N, -1)
        z = F.relu(self.mix(z))
        z = self.adj @ z + z                                # one diffusion hop + skip
        out = self.head(z)                                  # (B, N, HORIZON)
        return out.permute(0, 2, 1)                         # (B, HORIZON, N)


def main():
    xy = sensor_layout()
    W = gaussian_adjacency(xy)
    print(f"sensors={N_SENSORS}  edges={(W > 0).sum().item() - N_SENSORS}")

    speed = simulate_speeds(W)
    mu, sd = speed.mean(), speed.std()
    X, Y = make_windows((speed - mu) / sd)
    n_train = int(0.8 * X.size(0))
    X_tr, Y_tr, X_te, Y_te = X[:n_train], Y[:n_train], X[n_train:], Y[n_train:]
    print(f"windows train={n_train} test={X.size(0) - n_train}  x shape={tuple(X_tr.shape[1:])}")

    model = TemporalGraphBlock(W)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    batch = 32
    for epoch in range(1, 4):
        model.train()
        perm = torch.randperm(n_train)
        running = 0.0
        for i in range(0, n_train, batch):
            idx = perm[i:i + batch]
            pred = model(X_tr[idx])
            loss = F.mse_loss(pred, Y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * idx.numel()
        model.eval()
        with torch.no_grad():
            mae_kmh = (model(X_te) - Y_te).abs().mean() * sd
        print(f"epoch {epoch}  train mse {running / n_train:.4f}  test MAE {mae_kmh:.2f} km/h "
              f"(rmse-equiv {math.sqrt(running / n_train) * sd:.2f})")


if __name__ == "__main__":
    main()
