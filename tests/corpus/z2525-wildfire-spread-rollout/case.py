from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class SpreadConfig:
    grid: int = 24
    n_fires: int = 6
    series_len: int = 14
    context_len: int = 6
    rollout_steps: int = 10
    hidden: int = 16
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 11


def simulate_fire_series(cfg, rng):
    """Cellular-automaton burn maps: (T, 3, H, W) with channels burned, fuel, wind_u."""
    series = []
    for _ in range(cfg.n_fires):
        fuel = rng.uniform(0.3, 1.0, size=(cfg.grid, cfg.grid)).astype(np.float32)
        wind = np.full((cfg.grid, cfg.grid), rng.uniform(-1, 1), dtype=np.float32)
        burned = np.zeros((cfg.grid, cfg.grid), dtype=np.float32)
        cy, cx = rng.integers(4, cfg.grid - 4, size=2)
        burned[cy, cx] = 1.0
        frames = []
        for _t in range(cfg.series_len):
            frames.append(np.stack([burned, fuel, wind]))
            neigh = np.zeros_like(burned)
            neigh[1:, :] += burned[:-1, :]
            neigh[:-1, :] += burned[1:, :]
            neigh[:, 1:] += burned[:, :-1] * (1 + wind[:, 1:])
            neigh[:, :-1] += burned[:, 1:]
            p_ignite = 1 - np.exp(-0.6 * neigh * fuel)
            burned = np.maximum(burned, (rng.uniform(size=burned.shape) < p_ignite).astype(np.float32))
        series.append(np.stack(frames))
    return torch.from_numpy(np.stack(series))  # (N, T, 3, H, W)


class ConvGRUCell(nn.Module):
    def __init__(self, in_ch, hid_ch):
        super().__init__()
        self.hid_ch = hid_ch
        self.gates = nn.Conv2d(in_ch + hid_ch, 2 * hid_ch, 3, padding=1)
        self.cand = nn.Conv2d(in_ch + hid_ch, hid_ch, 3, padding=1)

    def forward(self, x, h):
        if h is None:
            h = x.new_zeros(x.shape[0], self.hid_ch, x.shape[2], x.shape[3])
        z, r = torch.sigmoid(self.gates(torch.cat([x, h], 1))).chunk(2, 1)
        n = torch.tanh(self.cand(torch.cat([x, r * h], 1)))
        return (1 - z) * h + z * n


class FireSpreadForecaster(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.cell = ConvGRUCell(3, cfg.hidden)
        self.readout = nn.Conv2d(cfg.hidden, 1, 1)

    def encode(self, context):
        h = None
        for t in range(context.shape[1]):
            h = self.cell(context[:, t], h)
        return h

    def step(self, frame, h):
        h = self.cell(frame, h)
        return self.readout(h), h


def rollout_loss(model, frames, cfg, teacher_forcing=True):
    context = frames[:, : cfg.context_len]
    h = model.encode(context)
    current = frames[:, cfg.context_len - 1]
    losses = []
    for k in range(cfg.rollout_steps):
        target = frames[:, cfg.context_len + k, 0:1]
        logit, h = model.step(current, h)
        losses.append(F.binary_cross_entropy_with_logits(logit, target))
        if teacher_forcing:
            current = frames[:, cfg.context_len + k]
        else:
            pred_burn = torch.sigmoid(logit).detach()
            current = torch.cat([pred_burn, frames[:, cfg.context_len + k, 1:]], 1)
    return torch.stack(losses).mean()


def train(cfg):
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    data = simulate_fire_series(cfg, rng)
    train_set, val_set = data[:4], data[4:]
    print("fire series tensor:", tuple(data.shape))

    model = FireSpreadForecaster(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        loss = rollout_loss(model, train_set, cfg, teacher_forcing=True)
        opt.zero_grad()
        loss.backward()
        opt.step()

        model.eval()
        with torch.no_grad():
            val_loss = rollout_loss(model, val_set, cfg, teacher_forcing=False)
        print(f"epoch {epoch}: train bce {loss.item():.4f}  val bce {val_loss.item():.4f}")
    return model


if __name__ == "__main__":
    train(SpreadConfig())
