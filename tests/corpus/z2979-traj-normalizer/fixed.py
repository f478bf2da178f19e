from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class TrajConfig:
    n_joints: int = 6
    horizon: int = 10
    n_episodes: int = 120
    steps_per_episode: int = 40
    hidden: int = 128
    batch_size: int = 32
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 5


def normalize_quat(q):
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    return np.where(q[..., :1] < 0, -q, q)


def generate_log(cfg):
    rng = np.random.default_rng(cfg.seed)
    log = []
    for _ in range(cfg.n_episodes):
        t = np.linspace(0, 2 * np.pi, cfg.steps_per_episode)[:, None]
        freq = rng.uniform(0.5, 1.5, size=cfg.n_joints)
        phase = rng.uniform(0, np.pi, size=cfg.n_joints)
        q = np.sin(freq * t + phase) * rng.uniform(0.3, 1.2, size=cfg.n_joints)
        quat = normalize_quat(rng.normal(size=(cfg.steps_per_episode, 4)) * 0.1 + np.array([1.0, 0, 0, 0]))
        log.append({
            "q": q.astype(np.float32),
            "dq": np.gradient(q, axis=0).astype(np.float32),
            "base_quat": quat.astype(np.float32),
        })
    return log


class WindowDataset(Dataset):
    def __init__(self, log, horizon):
        self.log = log
        self.horizon = horizon
        self.index = [(e, s) for e, ep in enumerate(log) for s in range(len(ep["q"]) - horizon - 1)]

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        e, s = self.index[i]
        ep = self.log[e]
        return {
            "q": torch.from_numpy(ep["q"][s]),
            "dq": torch.from_numpy(ep["dq"][s]),
            "base_quat": torch.from_numpy(ep["base_quat"][s]),
            "future_q": torch.from_numpy(ep["q"][s + 1:s + 1 + self.horizon]),
        }


def compute_stats(log, keys):
    stats = {}
    for k in keys:
        cat = np.concatenate([ep[k] for ep in log], axis=0)
        stats[k] = (torch.from_numpy(cat.mean(0)), torch.from_numpy(cat.std(0) + 1e-6))
    return stats


def normalize_batch(batch, stats):
    for key in list(batch):
        if key in stats:
            mu, sigma = stats[key]
            batch[key + "_n"] = (batch[key] - mu) / sigma
    return batch


class TrajectoryMLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        in_dim = 2 * cfg.n_joints + 4
        self.net = nn.Sequential(
            nn.Linear(in_dim, cfg.hidden), nn.SiLU(),
            nn.Linear(cfg.hidden, cfg.hidden), nn.SiLU(),
            nn.Linear(cfg.hidden, cfg.horizon * cfg.n_joints),
        )

    def forward(self, batch):
        x = torch.cat([batch["q_n"], batch["dq_n"], batch["base_quat"]], dim=-1)
        delta = self.net(x).view(-1, self.cfg.horizon, self.cfg.n_joints)
        return batch["q"].unsqueeze(1) + delta.cumsum(dim=1) * 0.05


def train(cfg):
    torch.manual_seed(cfg.seed)
    log = generate_log(cfg)
    stats = compute_stats(log, ["q", "dq"])
    split = int(0.9 * len(log))
    train_dl = DataLoader(WindowDataset(log[:split], cfg.horizon), batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(WindowDataset(log[split:], cfg.horizon), batch_size=256)

    model = TrajectoryMLP(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    mse = nn.MSELoss()
    for epoch in range(cfg.epochs):
        model.train()
        for batch in train_dl:
            batch = normalize_batch(batch, stats)
            pred = model(batch)
            loss = mse(pred, batch["future_q"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            errs = [(model(normalize_batch(b, stats)) - b["future_q"]).abs().mean().item() for b in val_dl]
        print(f"epoch {epoch}: last train mse {loss.item():.4f}, val mae {np.mean(errs):.4f} rad")


if __name__ == "__main__":
    train(TrajConfig())
