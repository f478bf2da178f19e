"""Peak-stage regression from storm-event hydrographs at upstream river gauges.

Each storm event is a run of hourly readings (stage, rainfall, soil moisture
index, upstream discharge) from onset until the hydrograph peak; the target is
the peak stage at the downstream forecast point 6 h later.
"""
import math
import random
from typing import Callable, Dict, List, NamedTuple

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


class HourlyReading(NamedTuple):
    gauge_id: str
    hour: int
    stage_m: float
    rain_mm: float
    soil_idx: float
    upstream_cms: float


class StormEvent(NamedTuple):
    gauge_id: str
    readings: List[HourlyReading]
    downstream_peak_m: float


FEATURES: Dict[str, Callable[[HourlyReading], float]] = {}


def feature(name):
    def register(fn):
        FEATURES[name] = fn
        return fn
    return register


@feature("stage")
def _stage(r: HourlyReading) -> float:
    return r.stage_m


@feature("log_rain")
def _log_rain(r: HourlyReading) -> float:
    return math.log1p(r.rain_mm)


@feature("soil")
def _soil(r: HourlyReading) -> float:
    return r.soil_idx


@feature("upstream_scaled")
def _upstream(r: HourlyReading) -> float:
    return r.upstream_cms / 100.0


def simulate_events(n_events: int, seed: int = 7) -> List[StormEvent]:
    rng = random.Random(seed)
    events = []
    for i in range(n_events):
        gauge = f"RG-{rng.randint(100, 140)}"
        duration = rng.randint(18, 60)
        base = rng.uniform(0.4, 1.2)
        readings = []
        stage = base
        for h in range(duration):
            rain = max(0.0, rng.gauss(4.0, 3.0)) if h < duration * 0.6 else max(0.0, rng.gauss(0.5, 0.5))
            stage += 0.02 * rain - 0.01 * (stage - base)
            readings.append(HourlyReading(gauge, h, stage, rain, rng.uniform(0.2, 0.9),
                                          40.0 + 25.0 * stage + rng.gauss(0, 3)))
        peak = max(r.stage_m for r in readings) * 1.15 + rng.gauss(0, 0.05)
        events.append(StormEvent(gauge, readings, peak))
    return events


class EventDataset(Dataset):
    def __init__(self, events: List[StormEvent], feature_names: List[str]):
        self.events = events
        self.fns = [FEATURES[n] for n in feature_names]

    def __len__(self):
        return len(self.events)

    def __getitem__(self, idx):
        ev = self.events[idx]
        x = torch.tensor([[fn(r) for fn in self.fns] for r in ev.readings], dtype=torch.float32)
        y = torch.tensor(ev.downstream_peak_m, dtype=torch.float32)
        return x, y


def pad_storms(batch):
    xs, ys = zip(*batch)
    lengths = torch.tensor([x.shape[0] for x in xs])
    padded = nn.utils.rnn.pad_sequence(list(xs), batch_first=True)
    return padded, lengths, torch.stack(ys)


class PeakGRU(nn.Module):
    def __init__(self, n_features: int, hidden: int = 32):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x, lengths=None):
        if lengths is not None:
            x = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(x)
        return self.head(h[-1]).squeeze(-1)


def train(*, events, feature_names, hidden=32, epochs=3, batch_size=8, lr=3e-3,
          collate_fn=None, shuffle=True, seed=0, log_every=1):
    torch.manual_seed(seed)
    ds = EventDataset(events, feature_names)
    loader = DataLoader(ds, batch_size=batch_size, shuffle=shuffle, collate_fn=collate_fn)
    model = PeakGRU(len(feature_names), hidden)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.SmoothL1Loss()
    for epoch in range(epochs):
        running, n = 0.0, 0
        for batch in loader:
            if len(batch) == 3:
                x, lengths, y = batch
            else:
                (x, y), lengths = batch, None
            pred = model(x, lengths)
            loss = loss_fn(pred, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * y.shape[0]
            n += y.shape[0]
        if epoch % log_every == 0:
            print(f"epoch {epoch} loss {running / n:.4f}")
    return model


if __name__ == "__main__":
    np.random.seed(0)
    events = simulate_events(96)
    cut = int(0.8 * len(events))
    model = train(
        events=events[:cut],
        feature_names=list(FEATURES),
        hidden=24,
        epochs=4,
        batch_size=8,
        lr=2e-3,
        shuffle=True,
        seed=11,
    )
    model.eval()
    val = EventDataset(events[cut:], list(FEATURES))
    with torch.no_grad():
        errs = []
        for i in range(len(val)):
            x, y = val[i]
            errs.append(abs(model(x.unsqueeze(0)).item() - y.item()))
    print(f"validation MAE {np.mean(errs):.3f} m over {len(errs)} events")
