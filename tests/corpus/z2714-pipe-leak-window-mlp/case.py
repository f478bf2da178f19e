import math
import random
from typing import Callable, Dict, Iterator, List, NamedTuple

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, IterableDataset

WINDOW_STEPS = 12          # 15-min logger interval -> 3 h window
SAMPLE_MINUTES = 15


class PipeReading(NamedTuple):
    node_id: str
    dma: str
    pressure_bar: List[float]
    flow_lps: List[float]
    leak_start: int


def feat_pressure(r: PipeReading, lo: int, hi: int) -> List[float]:
    return [p - 3.0 for p in r.pressure_bar[lo:hi]]


def feat_flow(r: PipeReading, lo: int, hi: int) -> List[float]:
    return [q / 20.0 for q in r.flow_lps[lo:hi]]


def feat_pressure_step(r: PipeReading, lo: int, hi: int) -> List[float]:
    prev = r.pressure_bar[max(lo - 1, 0):hi - 1]
    if lo == 0:
        prev = [r.pressure_bar[0]] + prev
    return [(a - b) * 10 for a, b in zip(r.pressure_bar[lo:hi], prev)]


def feat_night_flag(r: PipeReading, lo: int, hi: int) -> List[float]:
    out = []
    for t in range(lo, hi):
        hour = (t * SAMPLE_MINUTES // 60) % 24
        out.append(1.0 if 1 <= hour <= 5 else 0.0)
    return out


SENSOR_FEATURES: Dict[str, Callable[[PipeReading, int, int], List[float]]] = {
    "pressure": feat_pressure,
    "flow": feat_flow,
    "pressure_step": feat_pressure_step,
    "night": feat_night_flag,
}


def simulate_node(rng: random.Random, idx: int, steps: int) -> PipeReading:
    leak_start = rng.randint(steps // 3, steps - 1) if rng.random() < 0.4 else -1
    base_p = rng.uniform(2.6, 3.6)
    pressure, flow = [], []
    for t in range(steps):
        hour = (t * SAMPLE_MINUTES / 60) % 24
        demand = 8 + 6 * math.sin(2 * math.pi * (hour - 7) / 24) + rng.gauss(0, 0.6)
        leak = 3.5 if 0 <= leak_start <= t else 0.0
        flow.append(max(demand + leak, 0.0))
        pressure.append(base_p - 0.02 * demand - 0.08 * leak + rng.gauss(0, 0.01))
    return PipeReading(f"N{idx:03d}", f"DMA-{idx % 5}", pressure, flow, leak_start)


class WindowStream(IterableDataset):
    def __init__(self, readings: List[PipeReading], window: int, stride: int):
        self.readings = readings
        self.window = window
        self.stride = stride

    def __iter__(self) -> Iterator[Dict[str, torch.Tensor]]:
        for r in self.readings:
            n = len(r.pressure_bar)
            for lo in range(0, n - self.window + 1, self.stride):
                hi = lo + self.window
                cols = [fn(r, lo, hi) for fn in SENSOR_FEATURES.values()]
                x = torch.tensor(cols, dtype=torch.float32).flatten()
                leaking = 0 <= r.leak_start < hi
                yield {"x": x, "y": torch.tensor(float(leaking))}


class LeakDetector(nn.Module):
    def __init__(self, in_dim: int, hidden: int, dropout: float):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_dim, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden // 2),
            nn.ReLU(),
            nn.Linear(hidden // 2, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)


def train(
    *,
    n_nodes: int = 40,
    days: int = 2,
    window: int = WINDOW_STEPS,
    stride: int = 4,
    hidden: int = 32,
    dropout: float = 0.1,
    batch_size: int = 32,
    epochs: int = 2,
    lr: float = 1e-3,
    pos_weight: float = 1.5,
    seed: int = 3,
):
    rng = random.Random(seed)
    torch.manual_seed(seed)
    steps = days * 24 * 60 // SAMPLE_MINUTES
    readings = [simulate_node(rng, i, steps) for i in range(n_nodes)]
    train_nodes, val_nodes = readings[:32], readings[32:]

    train_loader = DataLoader(WindowStream(train_nodes, window, stride), batch_size=batch_size)
    val_loader = DataLoader(WindowStream(val_nodes, window, stride), batch_size=batch_size)

    model = LeakDetector(len(SENSOR_FEATURES) * WINDOW_STEPS, hidden, dropout)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_weight))

    for epoch in range(epochs):
        model.train()
        running, seen = 0.0, 0
        for batch in train_loader:
            logits = model(batch["x"])
            loss = loss_fn(logits, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(batch["y"])
            seen += len(batch["y"])
        model.eval()
        hits, total = 0, 0
        with torch.no_grad():
            for batch in val_loader:
                pred = (model(batch["x"]) > 0).float()
                hits += (pred == batch["y"]).sum().item()
                total += len(batch["y"])
        print(f"epoch {epoch} loss {running / seen:.4f} val acc {hits / total:.3f}")
    return model


if __name__ == "__main__":
    train(n_nodes=40, days=2, window=16, stride=4, hidden=32, batch_size=32, epochs=2, seed=3)
