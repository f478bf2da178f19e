import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

CFG = {
    "can_rate_hz": 10,
    "history_len": 50,      # 5 s of observed CAN + pose
    "horizon": 30,          # 3 s of future ego positions
    "stride": 10,
    "batch_size": 16,
    "hidden": 64,
    "lr": 1e-3,
    "epochs": 2,
    "traj_weight": 0.5,
}

MANEUVERS = ["keep_lane", "lane_change_left", "lane_change_right", "braking", "turn"]
CAN_SIGNALS = ["speed_mps", "long_accel", "steer_angle", "yaw_rate", "brake_pressure", "turn_signal"]


def synth_drive(n_steps, rng):
    """Fake one drive log: CAN signals, ego xy and a per-step maneuver tag."""
    dt = 1.0 / CFG["can_rate_hz"]
    speed = np.clip(12 + np.cumsum(rng.normal(0, 0.2, n_steps)), 0, 35)
    steer = np.cumsum(rng.normal(0, 0.01, n_steps))
    yaw_rate = steer * speed / 2.7
    heading = np.cumsum(yaw_rate * dt)
    xy = np.stack([np.cumsum(speed * np.cos(heading) * dt),
                   np.cumsum(speed * np.sin(heading) * dt)], axis=1)
    accel = np.gradient(speed, dt)
    brake = np.clip(-accel, 0, None) * 10
    turn_sig = (np.abs(steer) > 0.15).astype(np.float64) * np.sign(steer)

    tags = np.zeros(n_steps, dtype=np.int64)
    tags[turn_sig > 0] = 1
    tags[turn_sig < 0] = 2
    tags[brake > 5] = 3
    tags[np.abs(yaw_rate) > 0.4] = 4

    signals = np.stack([speed, accel, steer, yaw_rate, brake, turn_sig], axis=1)
    return signals.astype(np.float32), xy.astype(np.float32), tags


class ManeuverWindows(Dataset):
    def __init__(self, drives, history_len, horizon, stride):
        self.drives = drives
        self.history_len = history_len
        self.horizon = horizon
        self.index = []
        for d_i, (sig, _, _) in enumerate(drives):
            last = len(sig) - history_len - horizon
            for start in range(0, last, stride):
                self.index.append((d_i, start))

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        d_i, start = self.index[i]
        sig, xy, tags = self.drives[d_i]
        end = start + self.history_len

        can_window = torch.from_numpy(sig[start:end])
        origin = xy[end - 1]
        future_xy = torch.from_numpy(xy[end:end + self.horizon] - origin)
        maneuver_labels = torch.from_numpy(tags[start:end])
        return can_window, future_xy, maneuver_labels


class ManeuverTagger(nn.Module):
    """GRU over CAN history: tags every observed step and regresses the future path."""

    def __init__(self, n_signals, hidden, n_maneuvers, horizon):
        super().__init__()
        self.horizon = horizon
        self.inp = nn.Sequential(nn.Linear(n_signals, hidden), nn.ReLU())
        self.gru = nn.GRU(hidden, hidden, num_layers=2, batch_first=True)
        self.tag_head = nn.Linear(hidden, n_maneuvers)
        self.traj_head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(),
                                       nn.Linear(hidden, horizon * 2))

    def forward(self, can_window):
        h, _ = self.gru(self.inp(can_window))
        tag_logits = self.tag_head(h)                      # (B, T_hist, n_maneuvers)
        traj = self.traj_head(h[:, -1]).view(-1, self.horizon, 2)
        return tag_logits, traj


def standardise(drives):
    allsig = np.concatenate([d[0] for d in drives], axis=0)
    mu, sd = allsig.mean(0), allsig.std(0) + 1e-6
    return [((s - mu) / sd, xy, t) for s, xy, t in drives]


def train():
    rng = np.random.default_rng(SEED)
    drives = standardise([synth_drive(int(rng.integers(300, 500)), rng) for _ in range(6)])
    ds = ManeuverWindows(drives, CFG["history_len"], CFG["horizon"], CFG["stride"])
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True, drop_last=True)
    print(f"{len(ds)} windows from {len(drives)} drives")

    model = ManeuverTagger(len(CAN_SIGNALS), CFG["hidden"], len(MANEUVERS), CFG["horizon"])
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for step, (can_window, future_xy, maneuver_labels) in enumerate(loader):
            tag_logits, traj = model(can_window)
            tag_loss = F.cross_entropy(tag_logits.reshape(-1, len(MANEUVERS)),
                                       maneuver_labels.reshape(-1))
            ade = torch.linalg.norm(traj - future_xy, dim=-1).mean()
            loss = tag_loss + CFG["traj_weight"] * ade

            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running / max(1, step + 1):.4f}  ADE {ade.item():.2f} m")


if __name__ == "__main__":
    train()
