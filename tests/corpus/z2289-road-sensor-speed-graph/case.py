"""Graph WaveNet-lite for loop-detector speed forecasting on a METR-LA-like sensor graph.

Model is constructed on the meta device and materialised with to_empty() so we
don't pay for the default init twice (we re-init with our own scheme anyway).
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class TrafficConfig:
    num_sensors: int = 24
    in_steps: int = 12
    out_steps: int = 12
    in_dim: int = 2            # speed, time-of-day
    residual_ch: int = 16
    dilation_ch: int = 16
    skip_ch: int = 32
    end_ch: int = 64
    layers: int = 3
    kernel_size: int = 2
    sigma_km: float = 1.2
    adj_threshold: float = 0.1
    batch_size: int = 16
    lr: float = 1e-3
    epochs: int = 1
    device: str = "cpu"


def make_sensor_network(cfg, rng):
    coords = rng.uniform(0, 6.0, size=(cfg.num_sensors, 2))  # km on a corridor grid
    dist = np.linalg.norm(coords[:, None, :] - coords[None, :, :], axis=-1)
    adj = np.exp(-(dist / cfg.sigma_km) ** 2)
    adj[adj < cfg.adj_threshold] = 0.0
    return adj


def transition_matrices(adj):
    fwd = adj / np.maximum(adj.sum(1, keepdims=True), 1e-8)
    bwd = adj.T / np.maximum(adj.T.sum(1, keepdims=True), 1e-8)
    return [fwd, bwd]


def simulate_speeds(cfg, adj, n_steps, rng):
    t = np.arange(n_steps)
    tod = (t % 288) / 288.0
    rush = np.exp(-((tod - 0.33) / 0.05) ** 2) + np.exp(-((tod - 0.72) / 0.06) ** 2)
    base = rng.uniform(55, 68, size=cfg.num_sensors)
    speeds = base[None, :] - 30 * rush[:, None] * rng.uniform(0.5, 1.0, size=cfg.num_sensors)
    speeds = speeds + rng.normal(0, 2.0, size=speeds.shape)
    speeds = speeds @ (0.7 * np.eye(cfg.num_sensors) + 0.3 * transition_matrices(adj)[0]).T
    feats = np.stack([speeds, np.broadcast_to(tod[:, None], speeds.shape)], axis=-1)
    return feats.astype(np.float32)


def sliding_windows(feats, cfg):
    xs, ys = [], []
    for s in range(len(feats) - cfg.in_steps - cfg.out_steps):
        xs.append(feats[s:s + cfg.in_steps])
        ys.append(feats[s + cfg.in_steps:s + cfg.in_steps + cfg.out_steps, :, 0])
    x = torch.tensor(np.stack(xs)).permute(0, 3, 2, 1)   # B, C, N, T
    y = torch.tensor(np.stack(ys)).permute(0, 2, 1)      # B, N, T_out
    return x, y


class DiffusionGraphConv(nn.Module):
    def __init__(self, c_in, c_out, n_supports, order=2):
        super().__init__()
        self.order = order
        self.mlp = nn.Conv2d(c_in * (n_supports * order + 1), c_out, kernel_size=1)

    def forward(self, x, supports):
        out = [x]
        for A in supports:
            x1 = torch.einsum("ncvl,vw->ncwl", x, A)
            out.append(x1)
            for _ in range(2, self.order + 1):
                x1 = torch.einsum("ncvl,vw->ncwl", x1, A)
                out.append(x1)
        return self.mlp(torch.cat(out, dim=1))


class GraphWaveNetLite(nn.Module):
    def __init__(self, cfg, supports):
        super().__init__()
        self.cfg = cfg
        self.supports = supports
        self.start = nn.Conv2d(cfg.in_dim, cfg.residual_ch, kernel_size=1)
        self.filters = nn.ModuleList()
        self.gates = nn.ModuleList()
        self.skips = nn.ModuleList()
        self.gconvs = nn.ModuleList()
        self.norms = nn.ModuleList()
        for i in range(cfg.layers):
            d = 2 ** i
            self.filters.append(nn.Conv2d(cfg.residual_ch, cfg.dilation_ch, (1, cfg.kernel_size), dilation=d))
            self.gates.append(nn.Conv2d(cfg.residual_ch, cfg.dilation_ch, (1, cfg.kernel_size), dilation=d))
            self.skips.append(nn.Conv2d(cfg.dilation_ch, cfg.skip_ch, kernel_size=1))
            self.gconvs.append(DiffusionGraphConv(cfg.dilation_ch, cfg.residual_ch, len(supports)))
            self.norms.append(nn.BatchNorm2d(cfg.residual_ch))
        self.end1 = nn.Conv2d(cfg.skip_ch, cfg.end_ch, kernel_size=1)
        self.end2 = nn.Conv2d(cfg.end_ch, cfg.out_steps, kernel_size=1)

    def init_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                m.reset_parameters()
                m.reset_running_stats()

    def forward(self, x):
        x = self.start(x)
        skip = 0
        for i in range(self.cfg.layers):
            res = x
            h = torch.tanh(self.filters[i](x)) * torch.sigmoid(self.gates[i](x))
            s = self.skips[i](h)
            skip = s + (skip[..., -s.size(-1):] if torch.is_tensor(skip) else 0)
            h = self.gconvs[i](h, self.supports)
            x = self.norms[i](h + res[..., -h.size(-1):])
        out = F.relu(self.end1(F.relu(skip[..., -1:])))
        return self.end2(out).squeeze(-1).transpose(1, 2)   # B, N, T_out


def masked_mae(pred, target, null_val=0.0):
    mask = (target != null_val).float()
    mask = mask / mask.mean()
    return (torch.abs(pred - target) * mask).mean()


def main():
    cfg = TrafficConfig()
    rng = np.random.default_rng(7)
    torch.manual_seed(7)

    adj = make_sensor_network(cfg, rng)
    feats = simulate_speeds(cfg, adj, n_steps=600, rng=rng)
    x, y = sliding_windows(feats, cfg)
    mu, sd = x[:, 0].mean(), x[:, 0].std()
    x[:, 0] = (x[:, 0] - mu) / sd
    loader = DataLoader(TensorDataset(x, y), batch_size=cfg.batch_size, shuffle=True)

    with torch.device("meta"):
        supports = [torch.tensor(P, dtype=torch.float32) for P in transition_matrices(adj)]
        model = GraphWaveNetLite(cfg, supports)
    model = model.to_empty(device=cfg.device)
    model.init_weights()
    print(f"params: {sum(p.numel() for p in model.parameters()):,}")

    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        model.train()
        losses = []
        for xb, yb in loader:
            xb, yb = xb.to(cfg.device), yb.to(cfg.device)
            pred = model(xb) * sd + mu
            loss = masked_mae(pred, yb)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: train MAE {np.mean(losses):.3f} mph")


if __name__ == "__main__":
    main()
