import abc
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

np.random.seed(7)
torch.manual_seed(7)

N_CHANNELS = 6
WINDOW = 64
FEATURES_PER_CHANNEL = 4

FEATURE_PLUGINS = []


def feature(order):
    def register(cls):
        cls.order = order
        FEATURE_PLUGINS.append(cls())
        FEATURE_PLUGINS.sort(key=lambda p: p.order)
        return cls
    return register


class WindowFeature(abc.ABC):
    order = 0

    @property
    def name(self):
        return type(self).__name__.lower()

    @abc.abstractmethod
    def compute(self, w: np.ndarray) -> np.ndarray:
        """w: (window, channels) -> (channels,)"""


@feature(0)
class Mean(WindowFeature):
    def compute(self, w):
        return w.mean(axis=0)


@feature(1)
class Std(WindowFeature):
    def compute(self, w):
        return w.std(axis=0)


@feature(2)
class PeakToPeak(WindowFeature):
    def compute(self, w):
        return w.max(axis=0) - w.min(axis=0)


@feature(3)
class Slope(WindowFeature):
    def compute(self, w):
        t = np.arange(w.shape[0]) - (w.shape[0] - 1) / 2
        return (t[:, None] * (w - w.mean(axis=0))).sum(axis=0) / (t ** 2).sum()


@feature(4)
class ZeroCrossings(WindowFeature):
    def compute(self, w):
        c = w - w.mean(axis=0)
        return (np.diff(np.sign(c), axis=0) != 0).mean(axis=0)


@dataclass(frozen=True)
class AutoencoderSpec:
    in_dim: int
    bottleneck: int = 6
    hidden: int = 48
    epochs: int = 15
    lr: float = 2e-3

    @classmethod
    def from_telemetry(cls, n_channels, **kw):
        return cls(in_dim=n_channels * len(FEATURE_PLUGINS), **kw)


def simulate_housekeeping(n_windows, anomaly_frac=0.0):
    t = np.arange(WINDOW)
    out = []
    for _ in range(n_windows):
        phase = np.random.uniform(0, 2 * np.pi, N_CHANNELS)
        freq = np.random.uniform(0.05, 0.15, N_CHANNELS)
        w = np.sin(freq[None] * t[:, None] + phase[None]) + 0.1 * np.random.randn(WINDOW, N_CHANNELS)
        if np.random.rand() < anomaly_frac:
            ch = np.random.randint(N_CHANNELS)
            w[WINDOW // 2:, ch] += np.random.uniform(1.0, 3.0)
        out.append(w)
    return np.stack(out).astype(np.float32)


def extract(windows):
    rows = [np.concatenate([p.compute(w) for p in FEATURE_PLUGINS]) for w in windows]
    return np.stack(rows).astype(np.float32)


class FeatureAE(nn.Module):
    def __init__(self, spec: AutoencoderSpec):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(spec.in_dim, spec.hidden), nn.Tanh(),
            nn.Linear(spec.hidden, spec.bottleneck),
        )
        self.decoder = nn.Sequential(
            nn.Linear(spec.bottleneck, spec.hidden), nn.Tanh(),
            nn.Linear(spec.hidden, spec.in_dim),
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))


def fit(model, feats, spec):
    loader = DataLoader(TensorDataset(torch.from_numpy(feats)), batch_size=32, shuffle=True)
    opt = torch.optim.Adam(model.parameters(), lr=spec.lr)
    crit = nn.MSELoss()
    for ep in range(spec.epochs):
        running = 0.0
        for (xb,) in loader:
            recon = model(xb)
            loss = crit(recon, xb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(xb)
        if ep % 5 == 0:
            print(f"[ae] epoch {ep:02d} mse={running / len(feats):.5f}")


def main():
    train_feats = extract(simulate_housekeeping(400))
    mu, sd = train_feats.mean(0), train_feats.std(0) + 1e-6
    train_feats = (train_feats - mu) / sd

    spec = AutoencoderSpec.from_telemetry(N_CHANNELS)
    model = FeatureAE(spec)
    fit(model, train_feats, spec)

    test_feats = (extract(simulate_housekeeping(100, anomaly_frac=0.2)) - mu) / sd
    model.eval()
    with torch.no_grad():
        x = torch.from_numpy(test_feats)
        score = ((model(x) - x) ** 2).mean(dim=1).numpy()
    thr = np.quantile(score, 0.9)
    print(f"threshold={thr:.3f} flagged={int((score > thr).sum())}")


if __name__ == "__main__":
    main()
