import abc
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

CHANNELS = ("bus_voltage", "battery_temp", "wheel_speed_x", "wheel_speed_y", "star_tracker_q0")
STATES = ("nominal", "drift", "spike")

OBJECTIVES = {}


def objective(name):
    def wrap(cls):
        OBJECTIVES[name] = cls
        return cls
    return wrap


class SegmentationObjective(abc.ABC):
    def __init__(self, n_states):
        self.n_states = n_states

    @abc.abstractmethod
    def __call__(self, logits, states):
        ...


@objective("ce")
class PlainCE(SegmentationObjective):
    def __call__(self, logits, states):
        return F.cross_entropy(logits.transpose(1, 2), states)


@objective("weighted_ce")
class WeightedCE(SegmentationObjective):
    def __init__(self, n_states, nominal_weight=0.2):
        super().__init__(n_states)
        w = torch.ones(n_states)
        w[0] = nominal_weight
        self.weight = w

    def __call__(self, logits, states):
        return F.cross_entropy(logits.transpose(1, 2), states, weight=self.weight)


@dataclass
class SegmenterSettings:
    n_channels: int
    n_states: int
    window: int = 96
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    objective: str = "weighted_ce"
    extra: dict = field(default_factory=dict)

    @classmethod
    def for_mission(cls, channels, states, **kw):
        return cls(n_channels=len(channels), n_states=len(states), **kw)


def synth_orbit(length):
    t = np.arange(length)
    base = np.stack([np.sin(2 * math.pi * t / (40 + 7 * k)) for k in range(len(CHANNELS))], axis=1)
    base += 0.05 * rng.standard_normal(base.shape)
    states = np.zeros(length, dtype=np.int64)
    for _ in range(3):
        start = int(rng.integers(0, length - 30))
        kind = int(rng.integers(1, len(STATES)))
        ch = int(rng.integers(0, len(CHANNELS)))
        span = int(rng.integers(5, 25))
        if kind == 1:
            base[start:start + span, ch] += np.linspace(0, 1.5, span)
        else:
            base[start:start + span, ch] += 3.0 * rng.standard_normal(span)
        states[start:start + span] = kind
    return base.astype(np.float32), states


def window_batches(signal, states, window, batch_size, stride):
    starts = list(range(0, len(signal) - window + 1, stride))
    rng.shuffle(starts)
    for i in range(0, len(starts), batch_size):
        chunk = starts[i:i + batch_size]
        yield {
            "x": torch.from_numpy(np.stack([signal[s:s + window] for s in chunk])),
            "y": torch.from_numpy(np.stack([states[s:s + window] for s in chunk])),
        }


class TelemetrySegmenter(nn.Module):
    def __init__(self, s: SegmenterSettings):
        super().__init__()
        self.inp = nn.Linear(s.n_channels, s.d_model)
        self.pos = nn.Parameter(torch.zeros(1, s.window, s.d_model))
        layer = nn.TransformerEncoderLayer(s.d_model, s.n_heads, dim_feedforward=64,
                                           batch_first=True, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, s.n_layers)
        self.head = nn.Linear(s.d_model, s.n_states)

    def forward(self, x):
        h = self.inp(x) + self.pos[:, : x.shape[1]]
        h = self.encoder(h)
        return self.head(h)


def standardize(sig):
    mu = sig.mean(axis=0, keepdims=True)
    sd = sig.std(axis=0, keepdims=True) + 1e-6
    return (sig - mu) / sd


def run():
    settings = SegmenterSettings.for_mission(CHANNELS, STATES)
    signal, states = synth_orbit(4000)
    signal = standardize(signal)

    model = TelemetrySegmenter(settings)
    loss_fn = OBJECTIVES[settings.objective](settings.n_states)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(3):
        model.train()
        losses = []
        for batch in window_batches(signal, states, settings.window, 16, stride=48):
            logits = model(batch["x"])
            loss = loss_fn(logits, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: {np.mean(losses):.4f}")

    model.eval()
    with torch.no_grad():
        x = torch.from_numpy(signal[None, : settings.window])
        pred = model(x).argmax(-1)[0].numpy()
    flagged = int((pred != 0).sum())
    print(f"flagged {flagged}/{settings.window} samples in first window")


if __name__ == "__main__":
    run()
