"""Predict post-anesthetic recovery quality in horses from intra-op vital sign traces."""
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class MonitorConfig:
    channels: list = field(default_factory=lambda: ["hr", "rr", "map", "etco2", "spo2", "temp"])
    window_min: int = 180
    sample_period_s: int = 30
    n_classes: int = 3  # good / fair / poor recovery


@dataclass
class ModelConfig:
    d_model: int = 48
    n_heads: int = 4
    n_layers: int = 2
    dropout: float = 0.1
    max_len: int = 180


@dataclass
class TrainConfig:
    n_cases: int = 32
    batch_size: int = 8
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 11


BASELINE = {"hr": 36.0, "rr": 10.0, "map": 75.0, "etco2": 45.0, "spo2": 96.0, "temp": 37.2}
SPREAD = {"hr": 6.0, "rr": 3.0, "map": 12.0, "etco2": 5.0, "spo2": 2.0, "temp": 0.4}


def simulate_anesthesia_record(mon: MonitorConfig, rng: np.random.Generator):
    n_steps = mon.window_min * 60 // mon.sample_period_s
    t = np.arange(n_steps)
    outcome = rng.integers(0, mon.n_classes)
    traces = []
    for ch in mon.channels:
        drift = -0.02 * outcome * t if ch == "map" else 0.0
        wave = np.sin(2 * math.pi * t / rng.uniform(40, 90)) * SPREAD[ch] * 0.3
        noise = rng.normal(0, SPREAD[ch] * 0.2, size=n_steps)
        traces.append(BASELINE[ch] + drift + wave + noise)
    x = np.stack(traces, axis=-1).astype(np.float32)
    return x, int(outcome)


def standardize(x):
    mu = np.array([BASELINE[c] for c in BASELINE], dtype=np.float32)
    sd = np.array([SPREAD[c] for c in SPREAD], dtype=np.float32)
    return (x - mu) / sd


class VitalsTransformer(nn.Module):
    def __init__(self, n_channels, n_classes, cfg: ModelConfig):
        super().__init__()
        self.input_proj = nn.Linear(n_channels, cfg.d_model)
        self.pos_emb = nn.Embedding(cfg.max_len, cfg.d_model)
        layer = nn.TransformerEncoderLayer(
            d_model=cfg.d_model, nhead=cfg.n_heads, dim_feedforward=cfg.d_model * 2,
            dropout=cfg.dropout, batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=cfg.n_layers)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, n_classes)

    def forward(self, vitals):
        b, t, _ = vitals.shape
        positions = torch.arange(t, device=vitals.device).unsqueeze(0).expand(b, t)
        h = self.input_proj(vitals) + self.pos_emb(positions)
        h = self.encoder(h)
        h = self.norm(h.mean(dim=1))
        return self.head(h)


class RecoveryTrainer:
    def __init__(self, mon: MonitorConfig, mcfg: ModelConfig, tcfg: TrainConfig):
        self.mon, self.tcfg = mon, tcfg
        self.rng = np.random.default_rng(tcfg.seed)
        torch.manual_seed(tcfg.seed)
        self.model = VitalsTransformer(len(mon.channels), mon.n_classes, mcfg)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=tcfg.lr)

    def build_cohort(self):
        xs, ys = [], []
        for _ in range(self.tcfg.n_cases):
            x, y = simulate_anesthesia_record(self.mon, self.rng)
            xs.append(standardize(x))
            ys.append(y)
        return torch.from_numpy(np.stack(xs)), torch.tensor(ys)

    def fit(self):
        X, Y = self.build_cohort()
        print(f"cohort: {tuple(X.shape)} ({self.mon.window_min} min @ {self.mon.sample_period_s}s)")
        for epoch in range(self.tcfg.epochs):
            perm = torch.randperm(len(X))
            running = 0.0
            for i in range(0, len(X), self.tcfg.batch_size):
                idx = perm[i:i + self.tcfg.batch_size]
                logits = self.model(X[idx])
                loss = F.cross_entropy(logits, Y[idx])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                running += loss.item() * len(idx)
            print(f"epoch {epoch}: loss {running / len(X):.4f}")


if __name__ == "__main__":
    mon = MonitorConfig()
    mcfg = ModelConfig(max_len=mon.window_min)
    trainer = RecoveryTrainer(mon, mcfg, TrainConfig())
    trainer.fit()
