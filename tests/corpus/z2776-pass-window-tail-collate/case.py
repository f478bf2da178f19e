"""Reaction-wheel telemetry autoencoder: windows are cut from each ground-station
pass, fed through a small conv autoencoder, and scored by reconstruction error."""
import abc
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

CHANNELS = ("wheel_rpm", "wheel_current", "bus_voltage", "temp_a", "temp_b", "torque_cmd")

_MODELS = {}


def register_model(name):
    def deco(cls):
        _MODELS[name] = cls
        return cls
    return deco


@dataclass
class WindowConfig:
    window: int = 64
    stride: int = 32
    batch_size: int = 8
    latent: int = 12
    epochs: int = 2
    lr: float = 3e-3
    model: str = "conv_ae"
    channels: tuple = field(default_factory=lambda: CHANNELS)

    @classmethod
    def for_pass_duration(cls, minutes: float, hz: float = 1.0, **kw):
        samples = int(minutes * 60 * hz)
        window = 2 ** int(math.log2(max(16, samples // 8)))
        return cls(window=window, stride=window // 2, **kw)


def synth_passes(n_passes, n_channels, seed=7):
    rng = np.random.default_rng(seed)
    passes = []
    for k in range(n_passes):
        length = int(rng.integers(420, 640))
        t = np.arange(length) / 60.0
        base = np.stack([np.sin(2 * np.pi * (c + 1) * t / 7.0 + k) for c in range(n_channels)], axis=1)
        noise = 0.05 * rng.standard_normal((length, n_channels))
        if k % 3 == 2:
            s = int(rng.integers(50, length - 50))
            base[s:s + 20, 1] += 2.5
        passes.append((base + noise).astype(np.float32))
    return passes


class PassWindows(Dataset):
    def __init__(self, passes, window, stride):
        self.passes = [torch.from_numpy(p) for p in passes]
        self.window = window
        self.stride = stride
        self.index = self._build_index()

    def _build_index(self):
        idx = []
        for pid, p in enumerate(self.passes):
            for start in range(0, len(p), self.stride):
                idx.append((pid, start))
        return idx

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        pid, start = self.index[i]
        seg = self.passes[pid][start:start + self.window]
        mu, sd = seg.mean(0, keepdim=True), seg.std(0, keepdim=True) + 1e-4
        return (seg - mu) / sd


class TelemetryModel(abc.ABC, nn.Module):
    @abc.abstractmethod
    def reconstruct(self, x):
        ...

    def score(self, x):
        with torch.no_grad():
            return ((self.reconstruct(x) - x) ** 2).mean(dim=(1, 2))

    @classmethod
    def from_config(cls, cfg: WindowConfig):
        return cls(len(cfg.channels), cfg.latent)


@register_model("conv_ae")
class ConvAE(TelemetryModel):
    def __init__(self, n_channels, latent):
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv1d(n_channels, 24, 5, padding=2), nn.GELU(),
            nn.Conv1d(24, latent, 5, padding=2, stride=2), nn.GELU(),
        )
        self.dec = nn.Sequential(
            nn.ConvTranspose1d(latent, 24, 4, stride=2, padding=1), nn.GELU(),
            nn.Conv1d(24, n_channels, 5, padding=2),
        )

    def reconstruct(self, x):
        z = self.enc(x.transpose(1, 2))
        return self.dec(z).transpose(1, 2)


def train(model, loader, cfg):
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        total, n = 0.0, 0
        for batch in loader:
            loss = nn.functional.mse_loss(model.reconstruct(batch), batch)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch)
            n += len(batch)
        print(f"epoch {epoch}: recon mse {total / n:.4f}")


def flag_anomalies(model, dataset, cfg, k=3.0):
    loader = DataLoader(dataset, batch_size=cfg.batch_size, shuffle=False)
    scores = torch.cat([model.score(b) for b in loader])
    thresh = scores.mean() + k * scores.std()
    hits = (scores > thresh).nonzero().flatten().tolist()
    return [dataset.index[h] for h in hits]


def main():
    torch.manual_seed(0)
    cfg = WindowConfig.for_pass_duration(minutes=9.0)
    print(f"window={cfg.window} stride={cfg.stride}")
    passes = synth_passes(12, len(cfg.channels))
    ds = PassWindows(passes, cfg.window, cfg.stride)
    print(f"{len(ds)} windows from {len(passes)} passes")

    model = _MODELS[cfg.model].from_config(cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(1))
    train(model, loader, cfg)

    flagged = flag_anomalies(model.eval(), ds, cfg)
    for pid, start in flagged:
        print(f"anomaly in pass {pid} at sample {start}")


if __name__ == "__main__":
    main()
