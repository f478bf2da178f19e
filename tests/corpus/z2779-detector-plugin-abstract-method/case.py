"""Ensemble of anomaly detectors over attitude-control telemetry (gyro rates,
quaternion error, wheel torques). Detectors are plugins registered by name and
built from a mission config; their normalised scores are averaged per window."""
import abc
from dataclasses import dataclass, field
from typing import Dict, List

import numpy as np
import torch
import torch.nn as nn

DETECTORS: Dict[str, type] = {}


def detector(name):
    def deco(cls):
        cls.plugin_name = name
        DETECTORS[name] = cls
        return cls
    return deco


@dataclass
class EnsembleConfig:
    n_channels: int = 7
    window: int = 32
    members: List[str] = field(default_factory=lambda: ["gru_forecast", "mahalanobis"])
    hidden: int = 24
    epochs: int = 4

    @classmethod
    def for_adcs(cls, mode: str = "fine_pointing"):
        if mode == "fine_pointing":
            return cls(window=32, hidden=24)
        return cls(window=16, hidden=16, epochs=2)


class Detector(abc.ABC):
    def __init__(self, cfg: EnsembleConfig):
        self.cfg = cfg

    @abc.abstractmethod
    def fit(self, windows: torch.Tensor) -> None:
        ...

    @abc.abstractmethod
    def score(self, windows: torch.Tensor) -> torch.Tensor:
        ...

    @classmethod
    def from_config(cls, name: str, cfg: EnsembleConfig) -> "Detector":
        return DETECTORS[name](cfg)


@detector("gru_forecast")
class GRUForecastDetector(Detector):
    def __init__(self, cfg):
        super().__init__(cfg)
        self.rnn = nn.GRU(cfg.n_channels, cfg.hidden, batch_first=True)
        self.out = nn.Linear(cfg.hidden, cfg.n_channels)
        self.params = list(self.rnn.parameters()) + list(self.out.parameters())

    def _predict(self, w):
        h, _ = self.rnn(w[:, :-1])
        return self.out(h)

    def fit(self, windows):
        opt = torch.optim.Adam(self.params, lr=5e-3)
        for ep in range(self.cfg.epochs):
            loss = nn.functional.mse_loss(self._predict(windows), windows[:, 1:])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"  gru_forecast final mse {loss.item():.4f}")

    def score(self, windows):
        with torch.no_grad():
            return ((self._predict(windows) - windows[:, 1:]) ** 2).mean(dim=(1, 2))


@detector("mahalanobis")
class MahalanobisDetector(Detector):
    def fit(self, windows):
        flat = windows.mean(dim=1).double().numpy()
        self.mu = flat.mean(axis=0)
        cov = np.cov(flat, rowvar=False) + 1e-3 * np.eye(flat.shape[1])
        self.prec = np.linalg.inv(cov)
        print(f"  mahalanobis fitted on {flat.shape[0]} windows")

    def anomaly_score(self, windows):
        d = windows.mean(dim=1).double().numpy() - self.mu
        return torch.from_numpy(np.einsum("ij,jk,ik->i", d, self.prec, d)).float()


def simulate_adcs(n_steps, n_channels, seed=21):
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(n_steps, dtype=torch.float32)[:, None]
    phase = torch.rand(1, n_channels, generator=g) * 6.28
    x = 0.3 * torch.sin(t / 40.0 + phase) + 0.05 * torch.randn(n_steps, n_channels, generator=g)
    x[1500:1530, 2] += 1.2
    return x


def to_windows(series, window):
    return series.unfold(0, window, window // 2).permute(0, 2, 1).contiguous()


def zscore(s):
    return (s - s.median()) / (s.std() + 1e-8)


def main():
    torch.manual_seed(0)
    cfg = EnsembleConfig.for_adcs("fine_pointing")
    series = simulate_adcs(2400, cfg.n_channels)
    windows = to_windows(series, cfg.window)
    train, test = windows[: len(windows) // 2], windows
    print(f"{len(windows)} windows of {cfg.window} x {cfg.n_channels}")

    members = []
    for name in cfg.members:
        print(f"building {name}")
        det = Detector.from_config(name, cfg)
        det.fit(train)
        members.append(det)

    combined = torch.stack([zscore(m.score(test)) for m in members]).mean(0)
    top = torch.topk(combined, 3).indices.tolist()
    step = cfg.window // 2
    for i in top:
        print(f"window {i} (steps {i * step}-{i * step + cfg.window}) score {combined[i]:.2f}")


if __name__ == "__main__":
    main()
