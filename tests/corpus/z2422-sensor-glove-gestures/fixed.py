"""Gesture classification from a data glove (5 flex sensors + 6-axis IMU, 100 Hz).

Streams are cut into overlapping windows; a per-timestep sensor embedding is
pooled over time and classified by an MLP head.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class GloveConfig:
    seed: int = 3
    n_flex: int = 5
    n_imu: int = 6
    sample_rate: int = 100
    window: int = 50
    hop: int = 25
    embed_dim: int = 32
    pool: int = 5
    n_gestures: int = 10
    batch_size: int = 32
    lr: float = 1e-3
    epochs: int = 3

    @property
    def n_channels(self):
        return self.n_flex + self.n_imu


def record_session(cfg, rng, seconds_per_gesture=4):
    streams, labels = [], []
    t = np.arange(cfg.sample_rate * seconds_per_gesture) / cfg.sample_rate
    for g in range(cfg.n_gestures):
        for _ in range(3):
            bend = 0.2 + 0.08 * g + 0.05 * np.sin(2 * np.pi * (0.5 + 0.1 * g) * t)
            flex = np.stack([bend * (1 + 0.1 * k) for k in range(cfg.n_flex)], axis=1)
            imu = rng.normal(0, 0.2, size=(len(t), cfg.n_imu)) + np.cos(g + t)[:, None]
            sig = np.concatenate([flex, imu], axis=1) + rng.normal(0, 0.02, size=(len(t), cfg.n_channels))
            streams.append(sig)
            labels.append(g)
    return streams, labels


def sliding_windows(streams, labels, window, hop):
    xs, ys = [], []
    for sig, y in zip(streams, labels):
        for start in range(0, len(sig) - window + 1, hop):
            xs.append(sig[start:start + window])
            ys.append(y)
    return np.stack(xs), np.array(ys)


class GloveEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Sequential(
            nn.Linear(cfg.n_channels, cfg.embed_dim),
            nn.GELU(),
            nn.Linear(cfg.embed_dim, cfg.embed_dim),
        )
        self.pool = nn.MaxPool1d(cfg.pool)
        self.flatten = nn.Flatten()

    def forward(self, x):
        h = self.embed(x)                 # (B, T, D)
        h = self.pool(h.transpose(1, 2))  # (B, D, T // pool)
        return self.flatten(h)


class GestureClassifier(nn.Module):
    def __init__(self, encoder, head):
        super().__init__()
        self.encoder = encoder
        self.head = head

    def forward(self, x):
        return self.head(self.encoder(x))


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (model(xb).argmax(-1) == yb).sum().item()
            total += len(yb)
    return correct / total


def main():
    cfg = GloveConfig()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)

    streams, labels = record_session(cfg, rng)
    X, y = sliding_windows(streams, labels, cfg.window, cfg.hop)
    mu, sigma = X.mean(axis=(0, 1)), X.std(axis=(0, 1)) + 1e-6
    X = ((X - mu) / sigma).astype(np.float32)

    perm = rng.permutation(len(X))
    split = int(0.8 * len(X))
    tr, va = perm[:split], perm[split:]
    train_dl = DataLoader(TensorDataset(torch.from_numpy(X[tr]), torch.from_numpy(y[tr])),
                          batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(TensorDataset(torch.from_numpy(X[va]), torch.from_numpy(y[va])),
                        batch_size=cfg.batch_size)

    with torch.device("meta"):
        probe = GloveEncoder(cfg)
        feat_dim = probe(torch.zeros(1, cfg.window, cfg.n_channels)).shape[-1]
    encoder = GloveEncoder(cfg)
    print(f"encoder output dim: {feat_dim}")

    head = nn.Sequential(nn.Linear(feat_dim, 64), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(64, cfg.n_gestures))
    model = GestureClassifier(encoder, head)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        for xb, yb in train_dl:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss={loss.item():.3f} val_acc={evaluate(model, val_dl):.2f}")


if __name__ == "__main__":
    main()
