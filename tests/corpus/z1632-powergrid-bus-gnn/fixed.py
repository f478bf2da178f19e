"""
Bus voltage-magnitude regression on a synthetic transmission grid.
Each bus is a node, each transmission line an (undirected) edge weighted by
its admittance 1/x.  Plain-torch message passing, no PyG.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
np.random.seed(0)

N_BUS = 30
N_FEAT = 4          # P_load, Q_load, P_gen, is_slack
HIDDEN = 32


def write_case_files(root):
    """Fake IEEE-30-like grid: a ring plus some random tie lines."""
    lines = [(i, (i + 1) % N_BUS, 0.05 + 0.1 * np.random.rand()) for i in range(N_BUS)]
    for _ in range(12):
        a, b = np.random.choice(N_BUS, 2, replace=False)
        lines.append((a, b, 0.05 + 0.2 * np.random.rand()))
    with open(os.path.join(root, "branch.csv"), "w") as f:
        f.write("from_bus,to_bus,x_pu\n")
        for a, b, x in lines:
            f.write(f"{a},{b},{x:.4f}\n")

    bus = np.random.rand(N_BUS, N_FEAT).astype(np.float32)
    bus[:, 3] = 0.0
    bus[0, 3] = 1.0
    np.savetxt(os.path.join(root, "bus.csv"), bus, delimiter=",", fmt="%.5f")


def load_grid(root):
    line_table = torch.tensor(
        np.loadtxt(os.path.join(root, "branch.csv"), delimiter=",", skiprows=1),
        dtype=torch.float32,
    )
    bus_feat = torch.tensor(np.loadtxt(os.path.join(root, "bus.csv"), delimiter=","),
                            dtype=torch.float32)

    edge_index = line_table[:, :2].t().long()
    admittance = 1.0 / line_table[:, 2]

    # undirected -> both directions
    edge_index = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    admittance = torch.cat([admittance, admittance])
    return bus_feat, edge_index, admittance


def sym_norm(edge_index, weight, n):
    src, dst = edge_index
    deg = torch.zeros(n).index_add_(0, dst, weight)
    d_inv_sqrt = deg.clamp(min=1e-6).pow(-0.5)
    return weight * d_inv_sqrt[src] * d_inv_sqrt[dst]


class GridConv(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.lin_self = nn.Linear(d_in, d_out)
        self.lin_nbr = nn.Linear(d_in, d_out, bias=False)

    def forward(self, h, edge_index, w):
        src, dst = edge_index
        msg = self.lin_nbr(h)[src] * w.unsqueeze(-1)
        agg = torch.zeros(h.size(0), msg.size(1)).index_add_(0, dst, msg)
        return self.lin_self(h) + agg


class VoltageGNN(nn.Module):
    def __init__(self, d_in, d_hid, n_layers=3):
        super().__init__()
        dims = [d_in] + [d_hid] * n_layers
        self.convs = nn.ModuleList(GridConv(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.head = nn.Linear(d_hid, 1)

    def forward(self, x, edge_index, w):
        h = x
        for conv in self.convs:
            h = torch.relu(conv(h, edge_index, w))
        return 1.0 + 0.05 * torch.tanh(self.head(h)).squeeze(-1)   # |V| around 1 p.u.


def fake_voltage_targets(bus_feat):
    # pretend output of a power-flow solver
    return 1.0 - 0.04 * bus_feat[:, 0] + 0.02 * bus_feat[:, 2] + 0.03 * bus_feat[:, 3]


def main():
    with tempfile.TemporaryDirectory() as root:
        write_case_files(root)
        bus_feat, edge_index, admittance = load_grid(root)

    print(f"buses={bus_feat.size(0)}  directed branches={edge_index.size(1)}")
    w_norm = sym_norm(edge_index, admittance, N_BUS)
    v_true = fake_voltage_targets(bus_feat)

    perm = torch.randperm(N_BUS)
    train_idx, test_idx = perm[:22], perm[22:]

    model = VoltageGNN(N_FEAT, HIDDEN)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)

    for epoch in range(1, 51):
        model.train()
        opt.zero_grad()
        v_pred = model(bus_feat, edge_index, w_norm)
        loss = nn.functional.mse_loss(v_pred[train_idx], v_true[train_idx])
        loss.backward()
        opt.step()
        if epoch % 50 == 0:
            model.eval()
            with torch.no_grad():
                v_pred = model(bus_feat, edge_index, w_norm)
                mae = (v_pred[test_idx] - v_true[test_idx]).abs().mean()
            print(f"epoch {epoch:3d}  train mse {loss.item():.2e}  test mae {mae.item():.4f} p.u.")


if __name__ == "__main__":
    main()
