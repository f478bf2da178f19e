import math
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class GraspCfg:
    n_joints: int = 7
    width_edges: list = field(default_factory=lambda: [0.0, 0.015, 0.03, 0.045, 0.06, 0.085])
    hidden: int = 96
    batch_size: int = 32
    epochs: int = 3
    lr: float = 3e-4
    seed: int = 7


def quat_from_yaw(yaw):
    half = yaw / 2.0
    return np.stack([np.cos(half), np.zeros_like(half), np.zeros_like(half), np.sin(half)], axis=-1)


def make_episodes(n, cfg, rng):
    episodes = []
    for i in range(n):
        q = rng.uniform(-math.pi, math.pi, size=cfg.n_joints).astype(np.float32)
        yaw = rng.uniform(-math.pi, math.pi)
        ee_quat = quat_from_yaw(np.array(yaw)).astype(np.float32)
        ee_pos = rng.normal(0.0, 0.1, size=3).astype(np.float32) + np.array([0.45, 0.0, 0.12], dtype=np.float32)
        obj_extent = rng.uniform(0.005, 0.08)
        final_width = float(np.clip(obj_extent + rng.normal(0, 0.004), 0.001, 0.084))
        episodes.append({
            "joint_pos": q,
            "ee_pos": ee_pos,
            "ee_quat": ee_quat,
            "wrist_force": rng.normal(0, 1.0, size=6).astype(np.float32),
            "final_width": final_width,
        })
    return episodes


class GraspWidthDataset(Dataset):
    def __init__(self, episodes, edges):
        self.episodes = episodes
        self.edges = np.asarray(edges)
        widths = np.array([ep["final_width"] for ep in episodes])
        self.bins = np.digitize(widths, self.edges)

    def __len__(self):
        return len(self.episodes)

    def __getitem__(self, idx):
        ep = self.episodes[idx]
        obs = {k: torch.from_numpy(ep[k]) for k in ("joint_pos", "ee_pos", "ee_quat", "wrist_force")}
        return obs, int(self.bins[idx])


def collate(batch):
    obs_list, labels = zip(*batch)
    keys = obs_list[0].keys()
    obs = {k: torch.stack([o[k] for o in obs_list]) for k in keys}
    return obs, torch.tensor(labels, dtype=torch.long)


class WidthClassifier(nn.Module):
    def __init__(self, cfg, n_bins):
        super().__init__()
        in_dim = cfg.n_joints + 3 + 4 + 6
        self.trunk = nn.Sequential(
            nn.Linear(in_dim, cfg.hidden),
            nn.LayerNorm(cfg.hidden),
            nn.GELU(),
            nn.Linear(cfg.hidden, cfg.hidden),
            nn.GELU(),
        )
        self.head = nn.Linear(cfg.hidden, n_bins)

    def forward(self, obs):
        x = torch.cat([obs["joint_pos"], obs["ee_pos"], obs["ee_quat"], obs["wrist_force"]], dim=-1)
        h = self.trunk(x)
        return self.head(h)


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for obs, y in loader:
            pred = model(obs).argmax(-1)
            correct += (pred == y).sum().item()
            total += y.numel()
    model.train()
    return correct / max(total, 1)


def main():
    cfg = GraspCfg()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)

    episodes = make_episodes(600, cfg, rng)
    split = int(0.8 * len(episodes))
    train_ds = GraspWidthDataset(episodes[:split], cfg.width_edges)
    val_ds = GraspWidthDataset(episodes[split:], cfg.width_edges)

    n_bins = len(cfg.width_edges) - 1
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size, shuffle=False, collate_fn=collate)

    model = WidthClassifier(cfg, n_bins)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)

    for epoch in range(cfg.epochs):
        running = 0.0
        for step, (obs, y) in enumerate(train_dl):
            logits = model(obs)
            loss = F.cross_entropy(logits, y, label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch} loss {running / (step + 1):.4f} val_acc {acc:.3f}")


if __name__ == "__main__":
    main()
