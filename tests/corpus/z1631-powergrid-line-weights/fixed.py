"""
Bus voltage regression on a small synthetic transmission grid.
Buses are nodes (features: active/reactive load, generation, is_slack), lines
are undirected edges weighted by their susceptance. A weighted GCN-style
network regresses per-bus voltage magnitude (p.u.) from a DC-ish toy model.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
torch.set_num_threads(1)   # tiny graphs, threading only adds overhead

N_BUS = 14
N_SNAPSHOTS = 64
HID = 32

# (from_bus, to_bus, susceptance) -- loosely modelled on the IEEE 14-bus case
GRID_LINES = [
    (0, 1, 16.9), (0, 4, 4.5), (1, 2, 5.1), (1, 3, 5.7), (1, 4, 5.8),
    (2, 3, 5.8), (3, 4, 23.7), (3, 6, 4.8), (3, 8, 1.8), (4, 5, 4.0),
    (5, 10, 5.0), (5, 11, 3.9), (5, 12, 7.7), (6, 7, 5.7), (6, 8, 9.1),
    (8, 9, 11.8), (8, 13, 3.7), (9, 10, 5.2), (11, 12, 5.0), (12, 13, 2.9),
]
GEN_BUSES = [0, 1, 2, 5, 7]


def build_grid():
    bus_pairs = [(a, b) for a, b, _ in GRID_LINES]
    line_index = torch.tensor(bus_pairs, dtype=torch.long).t()
    suscept = torch.tensor([s for _, _, s in GRID_LINES])
    # both directions for message passing
    line_index = torch.cat([line_index, line_index.flip(0)], dim=1)
    suscept = torch.cat([suscept, suscept])
    return line_index, suscept / suscept.max()


def simulate_snapshots(n, line_index, line_w):
    """Toy ground truth: voltage drops with net load, smoothed over the grid."""
    feats, volts = [], []
    src, dst = line_index[0], line_index[1]
    for _ in range(n):
        p_load = torch.rand(N_BUS) * 0.8
        q_load = p_load * (0.2 + 0.2 * torch.rand(N_BUS))
        gen = torch.zeros(N_BUS)
        gen[GEN_BUSES] = torch.rand(len(GEN_BUSES)) * 1.2
        slack = torch.zeros(N_BUS)
        slack[0] = 1.0
        net = gen - p_load - 0.5 * q_load
        smooth = net.clone()
        for _ in range(3):
            nb = torch.zeros(N_BUS).index_add(0, dst, smooth[src] * line_w)
            w = torch.zeros(N_BUS).index_add(0, dst, line_w)
            smooth = 0.5 * smooth + 0.5 * nb / w
        v = 1.0 + 0.05 * smooth
        v[0] = 1.06
        feats.append(torch.stack([p_load, q_load, gen, slack], dim=1))
        volts.append(v)
    return torch.stack(feats), torch.stack(volts)


class WeightedGraphConv(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.lin = nn.Linear(d_in, d_out)
        self.root = nn.Linear(d_in, d_out, bias=False)

    def forward(self, h, edge_index, edge_w):
        # h: (batch, n_bus, d)
        src, dst = edge_index[0], edge_index[1]
        msg = h[:, src, :] * edge_w.view(1, -1, 1)
        agg = torch.zeros_like(h).index_add(1, dst, msg)
        deg = torch.zeros(h.size(1)).index_add(0, dst, edge_w).clamp(min=1e-6)
        return self.lin(agg / deg.view(1, -1, 1)) + self.root(h)


class GridVoltageGNN(nn.Module):
    def __init__(self, d_in, d_hid, n_layers=3):
        super().__init__()
        dims = [d_in] + [d_hid] * n_layers
        self.convs = nn.ModuleList(
            [WeightedGraphConv(a, b) for a, b in zip(dims[:-1], dims[1:])])
        self.head = nn.Linear(d_hid, 1)

    def forward(self, x, edge_index, edge_w):
        h = x
        for conv in self.convs:
            h = F.relu(conv(h, edge_index, edge_w))
        return 1.0 + self.head(h).squeeze(-1)


def main():
    line_index, line_w = build_grid()
    bus_x, bus_v = simulate_snapshots(N_SNAPSHOTS, line_index, line_w)
    print("snapshots:", tuple(bus_x.shape), "voltages:", tuple(bus_v.shape))

    n_train = 48
    model = GridVoltageGNN(bus_x.size(-1), HID)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(100):
        model.train()
        perm = torch.randperm(n_train)
        for k in range(0, n_train, 16):
            idx = perm[k:k + 16]
            pred = model(bus_x[idx], line_index, line_w)
            loss = F.mse_loss(pred, bus_v[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 50 == 0:
            print(f"epoch {epoch:3d}  mse {loss.item():.2e}")

    model.eval()
    with torch.no_grad():
        pred = model(bus_x[n_train:], line_index, line_w)
        mae = (pred - bus_v[n_train:]).abs().mean().item()
    print(f"test MAE: {mae * 1000:.2f} mp.u.")


if __name__ == "__main__":
    main()
