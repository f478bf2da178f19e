from typing import NamedTuple, Dict, Callable, List

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


class SensorTrace(NamedTuple):
    segment_id: str
    pressure_kpa: np.ndarray
    flow_lps: np.ndarray
    leak: int


def _pressure(t: SensorTrace) -> np.ndarray:
    return (t.pressure_kpa - 350.0) / 25.0


def _pressure_rate(t: SensorTrace) -> np.ndarray:
    return np.concatenate([[0.0], np.diff(t.pressure_kpa)]) / 5.0


def _flow(t: SensorTrace) -> np.ndarray:
    return (t.flow_lps - 12.0) / 4.0


def _night_flow_excess(t: SensorTrace) -> np.ndarray:
    baseline = np.nanmedian(t.flow_lps)
    return (t.flow_lps - baseline) / 4.0


FEATURE_REGISTRY: Dict[str, Callable[[SensorTrace], np.ndarray]] = {
    "pressure": _pressure,
    "pressure_rate": _pressure_rate,
    "flow": _flow,
    "night_flow_excess": _night_flow_excess,
}


def synth_traces(n: int, steps: int, rng: np.random.Generator) -> List[SensorTrace]:
    traces = []
    for k in range(n):
        leak = int(rng.random() < 0.35)
        p = 350 + rng.normal(0, 8, steps) - leak * np.linspace(0, 40, steps)
        q = 12 + rng.normal(0, 1.5, steps) + leak * 3.0
        dropout = rng.random(steps) < 0.12
        p[dropout] = np.nan
        q[dropout] = np.nan
        traces.append(SensorTrace(f"seg-{k:03d}", p, q, leak))
    return traces


class TraceDataset(Dataset):
    def __init__(self, traces: List[SensorTrace], feature_names: List[str]):
        self.traces = traces
        self.feature_names = feature_names

    def __len__(self):
        return len(self.traces)

    def __getitem__(self, i):
        tr = self.traces[i]
        raw = np.stack([FEATURE_REGISTRY[name](tr) for name in self.feature_names], axis=-1)
        gap = np.isnan(raw).any(axis=-1)
        return {
            "x": torch.from_numpy(np.nan_to_num(raw, nan=0.0)).float(),
            "missing": torch.from_numpy(gap),
            "y": torch.tensor(tr.leak, dtype=torch.float32),
        }


class TemporalAttentionPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, h, missing):
        scores = self.score(h).squeeze(-1)
        scores = scores.masked_fill(missing, float("-inf"))
        weights = torch.softmax(scores, dim=1)
        return torch.einsum("bt,btd->bd", weights, h)


class LeakDetector(nn.Module):
    def __init__(self, n_features, hidden):
        super().__init__()
        self.proj = nn.Linear(n_features, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.pool = TemporalAttentionPool(hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x, missing):
        h, _ = self.gru(F.gelu(self.proj(x)))
        return self.out(self.pool(h, missing)).squeeze(-1)


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for batch in loader:
            logits = model(batch["x"], batch["missing"])
            correct += ((logits > 0).float() == batch["y"]).sum().item()
            total += batch["y"].numel()
    model.train()
    return correct / max(total, 1)


def train(*, traces, feature_names, hidden=24, batch_size=16, epochs=3, lr=2e-3,
          weight_decay=1e-4, val_fraction=0.2, seed=0, log_every=1):
    torch.manual_seed(seed)
    n_val = int(len(traces) * val_fraction)
    train_ds = TraceDataset(traces[n_val:], feature_names)
    val_ds = TraceDataset(traces[:n_val], feature_names)
    train_dl = DataLoader(train_ds, batch_size=batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=batch_size)

    model = LeakDetector(len(feature_names), hidden)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    pos_weight = torch.tensor([2.0])
    for epoch in range(epochs):
        running = 0.0
        for batch in train_dl:
            logits = model(batch["x"], batch["missing"])
            loss = F.binary_cross_entropy_with_logits(logits, batch["y"], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        if epoch % log_every == 0:
            print(f"epoch {epoch}: loss={running / len(train_dl):.4f} "
                  f"val_acc={evaluate(model, val_dl):.3f}")
    return model


if __name__ == "__main__":
    rng = np.random.default_rng(42)
    traces = synth_traces(120, steps=96, rng=rng)
    train(traces=traces,
          feature_names=["pressure", "pressure_rate", "flow", "night_flow_excess"],
          hidden=24, batch_size=16, epochs=3, lr=2e-3, seed=1)
