from dataclasses import dataclass
from typing import Callable, Dict, List, NamedTuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

STAGE_THRESHOLDS_M = (1.8, 2.6, 3.4)   # normal / minor / moderate / major
STAGE_NAMES = ["normal", "minor", "moderate", "major"]


class GaugeSeries(NamedTuple):
    site_id: str
    catchment_km2: float
    rain_mm: np.ndarray
    stage_m: np.ndarray


@dataclass
class Split:
    x: torch.Tensor
    y: torch.Tensor


def f_stage(s: GaugeSeries) -> np.ndarray:
    return s.stage_m


def f_rain(s: GaugeSeries) -> np.ndarray:
    return s.rain_mm / 10.0


def f_stage_delta(s: GaugeSeries) -> np.ndarray:
    return np.diff(s.stage_m, prepend=s.stage_m[0])


def f_rain_6h(s: GaugeSeries) -> np.ndarray:
    return np.convolve(s.rain_mm, np.ones(6), mode="full")[: len(s.rain_mm)] / 30.0


def f_log_area(s: GaugeSeries) -> np.ndarray:
    return np.full_like(s.stage_m, np.log10(s.catchment_km2))


FEATURES: Dict[str, Callable[[GaugeSeries], np.ndarray]] = {
    "stage": f_stage,
    "rain": f_rain,
    "stage_delta": f_stage_delta,
    "rain_6h": f_rain_6h,
    "log_area": f_log_area,
}


def simulate_site(rng: np.random.Generator, idx: int, hours: int) -> GaugeSeries:
    area = float(rng.uniform(40, 900))
    rain = rng.gamma(0.3, 4.0, size=hours) * (rng.random(hours) < 0.25)
    kernel = np.exp(-np.arange(24) / rng.uniform(4, 10))
    runoff = np.convolve(rain, kernel, mode="full")[:hours]
    stage = 0.9 + 0.04 * runoff * np.sqrt(area / 100.0) + rng.normal(0, 0.03, hours)
    return GaugeSeries(f"G{idx:04d}", area, rain.astype(np.float32), stage.astype(np.float32))


def stage_class(stage: np.ndarray, lead: int) -> np.ndarray:
    future = np.concatenate([stage[lead:], np.repeat(stage[-1], lead)])
    return np.digitize(future, STAGE_THRESHOLDS_M).astype(np.int64)


def build_split(series: List[GaugeSeries], feature_names: List[str], lead: int) -> Split:
    xs = [np.stack([FEATURES[name](s) for name in feature_names], axis=0) for s in series]
    ys = [stage_class(s.stage_m, lead) for s in series]
    return Split(torch.tensor(np.stack(xs), dtype=torch.float32), torch.tensor(np.stack(ys)))


class StageTagger(nn.Module):
    def __init__(self, n_features: int, hidden: int, n_classes: int):
        super().__init__()
        self.conv = nn.Conv1d(n_features, hidden, kernel_size=5, padding=2)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.conv(x))
        out, _ = self.gru(h.transpose(1, 2))
        return self.head(out)


def evaluate(model: nn.Module, split: Split) -> float:
    model.eval()
    with torch.no_grad():
        logits = model(split.x)
        pred = logits.argmax(dim=1)
    return (pred == split.y).float().mean().item()


def train(
    *,
    n_sites: int = 160,
    hours: int = 48,
    lead_hours: int = 6,
    feature_names=("stage", "rain", "stage_delta", "rain_6h", "log_area"),
    hidden: int = 24,
    batch_size: int = 16,
    epochs: int = 3,
    lr: float = 2e-3,
    class_weights=(1.0, 2.0, 4.0, 8.0),
    seed: int = 11,
):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    sites = [simulate_site(rng, i, hours) for i in range(n_sites)]
    cut = int(0.8 * n_sites)
    names = list(feature_names)
    train_split = build_split(sites[:cut], names, lead_hours)
    val_split = build_split(sites[cut:], names, lead_hours)

    mean = train_split.x.mean(dim=(0, 2), keepdim=True)
    std = train_split.x.std(dim=(0, 2), keepdim=True) + 1e-6
    train_split.x = (train_split.x - mean) / std
    val_split.x = (val_split.x - mean) / std

    loader = DataLoader(TensorDataset(train_split.x, train_split.y), batch_size=batch_size, shuffle=True)
    model = StageTagger(len(names), hidden, len(STAGE_NAMES))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    weights = torch.tensor(class_weights, dtype=torch.float32)

    for epoch in range(epochs):
        model.train()
        total = 0.0
        for xb, yb in loader:
            logits = model(xb)
            loss = F.cross_entropy(logits, yb, weight=weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * xb.size(0)
        acc = evaluate(model, val_split)
        print(f"epoch {epoch}: train loss {total / cut:.4f}  val acc {acc:.3f}")
    return model


if __name__ == "__main__":
    train(n_sites=160, hours=48, lead_hours=6, hidden=24, batch_size=16, epochs=3, seed=11)
