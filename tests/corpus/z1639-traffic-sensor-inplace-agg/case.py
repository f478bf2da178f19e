"""
Short-term traffic speed forecasting on a road sensor graph (METR-LA style, synthetic).
Each sensor is a node; edges connect sensors closer than a distance threshold, weighted by
a Gaussian kernel of road distance. Input = last T readings per sensor, target = next reading.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

NUM_SENSORS = 20
WINDOW = 12          # 12 x 5 min = 1 hour of history
HIDDEN = 16
DIST_THRESHOLD = 2.5  # km


def build_sensor_graph(coords, threshold, sigma=1.0):
    dist = torch.cdist(coords, coords)
    mask = (dist < threshold) & ~torch.eye(len(coords), dtype=torch.bool)
    src, dst = mask.nonzero(as_tuple=True)
    w = torch.exp(-(dist[src, dst] ** 2) / (2 * sigma ** 2))
    # normalise incoming weights per target sensor
    w_sum = torch.zeros(len(coords)).index_add_(0, dst, w)
    w = w / w_sum[dst]
    return torch.stack([src, dst]), w


def simulate_speeds(coords, num_steps):
    """Daily sinusoid + spatially smooth congestion waves + noise, in mph."""
    t = torch.arange(num_steps, dtype=torch.float)
    daily = 10 * torch.sin(2 * math.pi * t / 288).unsqueeze(1)
    phase = coords[:, 0].unsqueeze(0)
    wave = 8 * torch.sin(2 * math.pi * t.unsqueeze(1) / 48 - phase)
    return 55 + daily + wave + 2 * torch.randn(num_steps, len(coords))


def make_windows(speeds, window):
    xs, ys = [], []
    for t in range(window, speeds.size(0)):
        xs.append(speeds[t - window:t].t())   # (sensors, window)
        ys.append(speeds[t])                  # (sensors,)
    return torch.stack(xs), torch.stack(ys)


class SensorConv(nn.Module):
    def __init__(self, in_dim, out_dim):
        super().__init__()
        self.lin = nn.Linear(in_dim, out_dim)

    def forward(self, x, edge_index, edge_weight):
        src, dst = edge_index
        h = F.relu(self.lin(x))
        msg = h[src] * edge_weight.unsqueeze(-1)
        h.index_add_(0, dst, msg)          # own state + weighted upstream neighbours
        return h


class TrafficGNN(nn.Module):
    def __init__(self, window, hidden):
        super().__init__()
        self.conv1 = SensorConv(window, hidden)
        self.conv2 = SensorConv(hidden, hidden)
        self.out = nn.Linear(hidden + window, 1)

    def forward(self, x, edge_index, edge_weight):
        h = self.conv1(x, edge_index, edge_weight)
        h = self.conv2(h, edge_index, edge_weight)
        return self.out(torch.cat([h, x], dim=-1)).squeeze(-1)


def main():
    coords = torch.rand(NUM_SENSORS, 2) * 6.0
    edge_index, edge_weight = build_sensor_graph(coords, DIST_THRESHOLD)
    print(f"{NUM_SENSORS} sensors, {edge_index.size(1)} directed road links")

    speeds = simulate_speeds(coords, num_steps=400)
    mu, sd = speeds.mean(), speeds.std()
    X, Y = make_windows((speeds - mu) / sd, WINDOW)
    n_train = int(0.8 * len(X))
    X_tr, Y_tr, X_te, Y_te = X[:n_train], Y[:n_train], X[n_train:], Y[n_train:]

    model = TrafficGNN(WINDOW, HIDDEN)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    steps_per_epoch = 40
    for epoch in range(3):
        model.train()
        perm = torch.randperm(n_train)
        running = 0.0
        for i in perm[:steps_per_epoch].tolist():
            pred = model(X_tr[i], edge_index, edge_weight)
            loss = F.mse_loss(pred, Y_tr[i])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} train mse {running / steps_per_epoch:.4f}")

    model.eval()
    with torch.no_grad():
        preds = torch.stack([model(x, edge_index, edge_weight) for x in X_te[:24]])
        mae_mph = ((preds - Y_te[:24]).abs() * sd).mean().item()
    print(f"test MAE {mae_mph:.2f} mph")


if __name__ == "__main__":
    main()
