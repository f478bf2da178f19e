from dataclasses import dataclass, field
import numpy as np
import torch
import torch.nn as nn


@dataclass
class BCConfig:
    seed: int = 21
    n_lanes: int = 6
    lane_pts: int = 16
    can_features: tuple = ("v_ego", "a_long", "yaw_rate", "steer_angle", "brake_switch")
    hist_len: int = 10
    map_dim: int = 32
    hidden: int = 64
    lr: float = 5e-4
    n_segments: int = 4
    steps_per_segment: int = 40
    chunk: int = 10
    loss_weights: dict = field(default_factory=lambda: {"steer": 2.0, "accel": 1.0})


def synth_segment(cfg, rng):
    """One recorded drive segment: static lane map + CAN stream + recorded driver commands."""
    lanes = np.cumsum(rng.normal(0, 1.0, (cfg.n_lanes, cfg.lane_pts, 2)), axis=1).astype(np.float32)
    T = cfg.steps_per_segment + cfg.hist_len
    v = 10 + np.cumsum(rng.normal(0, 0.1, T))
    steer = 0.1 * np.sin(np.linspace(0, 4, T)) + rng.normal(0, 0.005, T)
    yaw = v * np.tan(steer) / 2.7
    accel = np.gradient(v) * 10
    brake = (accel < -0.3).astype(np.float64)
    can = np.stack([v, accel, yaw, steer, brake], axis=1).astype(np.float32)
    cmd = np.stack([np.roll(steer, -1), np.roll(accel, -1)], axis=1).astype(np.float32)
    return torch.from_numpy(lanes), torch.from_numpy(can), torch.from_numpy(cmd)


class LaneMapEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.point_mlp = nn.Sequential(nn.Linear(2, cfg.map_dim), nn.ReLU(), nn.Linear(cfg.map_dim, cfg.map_dim))

    def forward(self, lanes):
        per_lane = self.point_mlp(lanes).max(dim=1).values
        return per_lane.mean(dim=0)


class ControlPolicy(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        n_can = len(cfg.can_features)
        self.can_rnn = nn.GRU(n_can, cfg.hidden, batch_first=True)
        self.head = nn.Sequential(
            nn.Linear(cfg.hidden + cfg.map_dim, cfg.hidden), nn.Tanh(), nn.Linear(cfg.hidden, 2)
        )

    def forward(self, can_hist, map_ctx):
        _, h = self.can_rnn(can_hist)
        ctx = map_ctx.expand(can_hist.size(0), -1)
        return self.head(torch.cat([h[-1], ctx], dim=-1))


def windows(can, cmd, hist_len, start, stop):
    xs = torch.stack([can[t - hist_len:t] for t in range(start, stop)])
    ys = cmd[start - 1:stop - 1]
    return xs, ys


def train(cfg):
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    map_enc = LaneMapEncoder(cfg)
    policy = ControlPolicy(cfg)
    params = list(map_enc.parameters()) + list(policy.parameters())
    opt = torch.optim.Adam(params, lr=cfg.lr)
    w = torch.tensor([cfg.loss_weights["steer"], cfg.loss_weights["accel"]])

    for seg_id in range(cfg.n_segments):
        lanes, can, cmd = synth_segment(cfg, rng)
        can = (can - can.mean(0)) / (can.std(0) + 1e-5)
        map_ctx = map_enc(lanes)

        seg_losses = []
        for start in range(cfg.hist_len, cfg.hist_len + cfg.steps_per_segment, cfg.chunk):
            xs, ys = windows(can, cmd, cfg.hist_len, start, start + cfg.chunk)
            pred = policy(xs, map_ctx)
            loss = (((pred - ys) ** 2) * w).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            seg_losses.append(loss.item())
        print(f"segment {seg_id}: mean loss {np.mean(seg_losses):.4f}")
    return map_enc, policy


if __name__ == "__main__":
    train(BCConfig())
