import abc
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

DETECTORS = {}


def detector(name):
    def add(cls):
        cls.key = name
        DETECTORS[name] = cls
        return cls
    return add


@dataclass(frozen=True)
class SuiteConfig:
    detectors: tuple
    window: int = 32
    quantile: float = 0.98
    hidden: int = 16
    epochs: int = 15
    channel_names: tuple = field(default=("rw1_rpm", "rw2_rpm", "rw3_rpm", "bus_v"))

    @classmethod
    def from_profile(cls, profile):
        presets = {
            "quicklook": dict(detectors=("zscore", "ewma"), epochs=0),
            "full": dict(detectors=("zscore", "ewma", "lstm_ae"), epochs=15, hidden=16),
        }
        return cls(**presets[profile])


class AnomalyDetector(abc.ABC):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.threshold = None

    @abc.abstractmethod
    def fit(self, windows):
        ...

    @abc.abstractmethod
    def score(self, windows):
        ...

    def calibrate(self, windows):
        self.threshold = float(np.quantile(self.score(windows), self.cfg.quantile))
        return self

    def flag(self, windows):
        return self.score(windows) > self.threshold


@detector("zscore")
class ZScoreDetector(AnomalyDetector):
    def fit(self, windows):
        flat = windows.reshape(-1, windows.shape[-1])
        self.mu, self.sigma = flat.mean(0), flat.std(0) + 1e-6
        return self

    def score(self, windows):
        return np.abs((windows - self.mu) / self.sigma).max(axis=(1, 2))


@detector("ewma")
class EwmaDetector(AnomalyDetector):
    alpha = 0.2

    def fit(self, windows):
        return self

    def score(self, windows):
        smooth = np.zeros_like(windows)
        smooth[:, 0] = windows[:, 0]
        for t in range(1, windows.shape[1]):
            smooth[:, t] = self.alpha * windows[:, t] + (1 - self.alpha) * smooth[:, t - 1]
        return np.abs(windows - smooth).mean(axis=(1, 2))


@detector("lstm_ae")
class LstmAutoencoderDetector(AnomalyDetector, nn.Module):
    def __init__(self, cfg):
        super().__init__(cfg)
        n_ch = len(cfg.channel_names)
        self.encoder = nn.LSTM(n_ch, cfg.hidden, batch_first=True)
        self.decoder = nn.LSTM(cfg.hidden, cfg.hidden, batch_first=True)
        self.out = nn.Linear(cfg.hidden, n_ch)

    def forward(self, x):
        _, (h, _) = self.encoder(x)
        z = h[-1].unsqueeze(1).expand(-1, x.size(1), -1)
        y, _ = self.decoder(z)
        return self.out(y)

    def fit(self, windows):
        x = torch.as_tensor(windows, dtype=torch.float32)
        opt = torch.optim.Adam(self.parameters(), lr=5e-3)
        for _ in range(self.cfg.epochs):
            for chunk in torch.split(x, 32):
                loss = nn.functional.mse_loss(self(chunk), chunk)
                opt.zero_grad()
                loss.backward()
                opt.step()
        return self

    @torch.no_grad()
    def score(self, windows):
        x = torch.as_tensor(windows, dtype=torch.float32)
        return ((self(x) - x) ** 2).mean(dim=(1, 2)).numpy()


def wheel_telemetry(n_steps, n_ch, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(n_steps)[:, None]
    x = np.sin(2 * np.pi * t / 90.0 + np.arange(n_ch)) + rng.normal(0, 0.05, (n_steps, n_ch))
    faults = rng.choice(n_steps - 50, size=3, replace=False)
    for f in faults:
        x[f:f + 40, rng.integers(0, n_ch)] += rng.uniform(0.8, 1.5)
    return x.astype(np.float32), faults


def windows_of(series, width, stride):
    return np.stack([series[i:i + width] for i in range(0, len(series) - width + 1, stride)])


def run_suite(profile):
    cfg = SuiteConfig.from_profile(profile)
    torch.manual_seed(0)
    train_series, _ = wheel_telemetry(2000, len(cfg.channel_names), seed=1)
    test_series, faults = wheel_telemetry(1000, len(cfg.channel_names), seed=2)
    train_w = windows_of(train_series, cfg.window, 8)
    test_w = windows_of(test_series, cfg.window, 8)

    suite = {name: DETECTORS[name](cfg) for name in cfg.detectors}
    for name, det in suite.items():
        det.fit(train_w).calibrate(train_w)
        hits = np.flatnonzero(det.flag(test_w)) * 8
        print(f"[{profile}] {name:8s} thr={det.threshold:.3f} flagged={len(hits)} "
              f"first={hits[:4].tolist()} true_faults={sorted(faults.tolist())}")


if __name__ == "__main__":
    run_suite("quicklook")
    run_suite("full")
