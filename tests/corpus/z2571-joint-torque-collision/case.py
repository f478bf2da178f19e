import json
import os
from dataclasses import dataclass, asdict, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class CollisionConfig:
    n_joints: int = 7
    signals: tuple = ("q", "dq", "tau_meas")
    window: int = 64
    stride: int = 16
    conv_channels: list = field(default_factory=lambda: [32, 64])
    kernel: int = 5
    batch_size: int = 32
    lr: float = 1e-3
    epochs: int = 3
    seed: int = 11

    @property
    def n_channels(self):
        return self.n_joints * len(self.signals)


def simulate_episode(cfg, rng, length):
    t = np.arange(length) / 500.0
    phase = rng.uniform(0, 2 * np.pi, cfg.n_joints)
    q = 0.6 * np.sin(2 * np.pi * 0.4 * t[:, None] + phase)
    dq = np.gradient(q, axis=0) * 500.0
    gravity = rng.uniform(2, 20, cfg.n_joints)
    tau = gravity * np.cos(q) + 0.8 * dq + 0.3 * rng.standard_normal((length, cfg.n_joints))
    contact = np.zeros(length, dtype=np.int64)
    if rng.random() < 0.5:
        onset = rng.integers(length // 4, 3 * length // 4)
        dur = rng.integers(30, 80)
        joint = rng.integers(2, cfg.n_joints)
        tau[onset:onset + dur, :joint + 1] += rng.uniform(4, 9) * np.linspace(1, 0.3, joint + 1)
        contact[onset:onset + dur] = 1
    return np.concatenate([q, dq, tau], axis=1).astype(np.float32), contact


def make_windows(episodes, cfg):
    xs, ys = [], []
    for sig, contact in episodes:
        for s in range(0, len(sig) - cfg.window + 1, cfg.stride):
            xs.append(sig[s:s + cfg.window])
            ys.append(int(contact[s + cfg.window - 8:s + cfg.window].any()))
    return np.stack(xs), np.array(ys, dtype=np.int64)


class SignalNormalizer:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean, dtype=torch.float32)
        self.std = torch.as_tensor(std, dtype=torch.float32).clamp_min(1e-6)

    @classmethod
    def fit(cls, episodes):
        stacked = np.concatenate([sig for sig, _ in episodes], axis=0)
        return cls(stacked.mean(axis=0), stacked.std(axis=0))

    def save(self, path):
        with open(path, "w") as f:
            json.dump({"mean": self.mean.tolist(), "std": self.std.tolist()}, f)

    def __call__(self, x):
        return (x - self.mean) / self.std


class TorqueCNN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        layers, c_in = [], cfg.n_channels
        for c_out in cfg.conv_channels:
            layers += [nn.Conv1d(c_in, c_out, cfg.kernel, padding=cfg.kernel // 2),
                       nn.BatchNorm1d(c_out), nn.ReLU(), nn.MaxPool1d(2)]
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(c_in, 2)

    def forward(self, x):
        h = self.features(x)
        return self.classifier(h.mean(dim=-1))


class CollisionTrainer:
    def __init__(self, cfg, normalizer):
        self.cfg = cfg
        self.norm = normalizer
        self.model = TorqueCNN(cfg)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)

    def _prep(self, x):
        x = x.permute(0, 2, 1).contiguous()          # (B, C, T) for Conv1d
        return self.norm(x)

    def fit(self, loader):
        self.model.train()
        for epoch in range(self.cfg.epochs):
            tot, hits, n = 0.0, 0, 0
            for x, y in loader:
                logits = self.model(self._prep(x))
                loss = F.cross_entropy(logits, y)
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                tot += loss.item() * len(y)
                hits += (logits.argmax(1) == y).sum().item()
                n += len(y)
            print(f"epoch {epoch}  loss {tot / n:.4f}  acc {hits / n:.3f}")


def main():
    cfg = CollisionConfig()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    episodes = [simulate_episode(cfg, rng, int(rng.integers(400, 700))) for _ in range(24)]

    normalizer = SignalNormalizer.fit(episodes)
    normalizer.save(os.path.join(HERE, "torque_norm_stats.json"))

    X, y = make_windows(episodes, cfg)
    print(f"{len(X)} windows of shape {X.shape[1:]}, contact rate {y.mean():.2f}")
    loader = DataLoader(TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
                        batch_size=cfg.batch_size, shuffle=True)

    trainer = CollisionTrainer(cfg, normalizer)
    trainer.fit(loader)
    with open(os.path.join(HERE, "collision_cfg.json"), "w") as f:
        json.dump(asdict(cfg), f)


if __name__ == "__main__":
    main()
