"""Seismic event picker: frame each station's trace into short windows, mark the
frames that contain an analyst pick, and fit a small frame-level detector."""
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

HOP = 25   # samples between frames
WIN = 50   # samples per frame


@dataclass
class Recording:
    station: str
    sample_rate: int          # Hz
    trace: torch.Tensor
    picks: list = field(default_factory=list)   # event onsets, seconds


def synth_trace(rate, seconds, picks):
    n = rate * seconds
    trace = 0.05 * torch.randn(n)
    for t in picks:
        start = int(t * rate)
        burst = torch.arange(min(rate * 2, n - start), dtype=torch.float32)
        trace[start:start + len(burst)] += torch.sin(burst * 0.8) * torch.exp(-burst / rate)
    return trace


def frame_features(trace):
    frames = trace.unfold(0, WIN, HOP)                        # (n_frames, WIN)
    energy = frames.pow(2).mean(-1).clamp_min(1e-8).log()
    peak = frames.abs().amax(-1)
    zc = (frames[:, 1:] * frames[:, :-1] < 0).float().mean(-1)
    return torch.stack([energy, peak, zc], dim=-1)            # (n_frames, 3)


def prepare(recs):
    rate = recs[0].sample_rate
    xs, ys = [], []
    for rec in recs:
        feats = frame_features(rec.trace)
        target = torch.zeros(len(feats))
        for t in rec.picks:
            target[int(t * rate / HOP)] = 1.0
        xs.append(feats)
        ys.append(target)
        print(f"{rec.station}: {len(feats)} frames, {len(rec.picks)} picks")
    return torch.cat(xs), torch.cat(ys)


STATIONS = [
    ("HVR1", 100, 60, [12.0, 41.5]),
    ("HVR2", 100, 60, [13.1, 42.4]),
    ("OLD7", 50, 60, [14.0, 44.2]),
    ("HVR3", 100, 60, [11.4, 40.8]),
]
recordings = [Recording(name, sr, synth_trace(sr, secs, picks), picks)
              for name, sr, secs, picks in STATIONS]

x, y = prepare(recordings)
x = (x - x.mean(0)) / x.std(0)
detector = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.Adam(detector.parameters(), lr=1e-2)
pos_weight = torch.tensor([(y == 0).sum() / y.sum().clamp_min(1)])

for step in range(100):
    logits = detector(x).squeeze(-1)
    loss = F.binary_cross_entropy_with_logits(logits, y, pos_weight=pos_weight)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 25 == 0:
        print(f"step {step}: loss {loss.item():.4f}")

hits = (detector(x).squeeze(-1) > 0)[y == 1].float().mean().item()
print(f"recall on picked frames: {hits:.2f}")
