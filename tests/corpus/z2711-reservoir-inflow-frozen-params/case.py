import math
from dataclasses import dataclass
from typing import NamedTuple, Dict, Callable, List

import numpy as np
import torch
from torch import nn
from torch.utils.data import TensorDataset, DataLoader


class CatchmentDay(NamedTuple):
    catchment: int
    day: int
    rain_mm: np.ndarray
    temp_c: np.ndarray
    inflow_m3s: np.ndarray
    next_inflow: float


def antecedent_rain(d: CatchmentDay) -> float:
    return float(d.rain_mm[-7:].sum() / 50.0)


def rain_today(d: CatchmentDay) -> float:
    return float(d.rain_mm[-1] / 20.0)


def degree_days(d: CatchmentDay) -> float:
    return float(np.clip(d.temp_c[-5:], 0, None).sum() / 30.0)


def lag1_inflow(d: CatchmentDay) -> float:
    return float(math.log1p(d.inflow_m3s[-1]))


def inflow_recession(d: CatchmentDay) -> float:
    return float(math.log1p(d.inflow_m3s[-1]) - math.log1p(d.inflow_m3s[-3]))


def seasonality(d: CatchmentDay) -> float:
    return float(math.sin(2 * math.pi * d.day / 365.0))


FEATURES: Dict[str, Callable[[CatchmentDay], float]] = {
    "antecedent_rain": antecedent_rain,
    "rain_today": rain_today,
    "degree_days": degree_days,
    "lag1_inflow": lag1_inflow,
    "inflow_recession": inflow_recession,
    "seasonality": seasonality,
}


@dataclass
class ModelSpec:
    n_catchments: int
    emb_dim: int = 4
    hidden: int = 32


def make_records(n_catchments: int, n_days: int, seed: int) -> List[CatchmentDay]:
    rng = np.random.default_rng(seed)
    records = []
    for c in range(n_catchments):
        rain = rng.gamma(0.6, 6.0, n_days)
        temp = 8 + 10 * np.sin(2 * np.pi * np.arange(n_days) / 365.0) + rng.normal(0, 2, n_days)
        flow = np.empty(n_days)
        flow[0] = 5.0
        for t in range(1, n_days):
            flow[t] = 0.85 * flow[t - 1] + 0.4 * rain[t - 1] * (1 + 0.2 * c) + rng.normal(0, 0.3)
        flow = np.clip(flow, 0.1, None)
        for t in range(14, n_days - 1):
            records.append(CatchmentDay(c, t, rain[t - 14:t + 1], temp[t - 14:t + 1],
                                        flow[t - 14:t + 1], float(flow[t + 1])))
    return records


def to_tensors(records: List[CatchmentDay]):
    feats = np.array([[fn(r) for fn in FEATURES.values()] for r in records], dtype=np.float32)
    ids = np.array([r.catchment for r in records], dtype=np.int64)
    target = np.array([math.log1p(r.next_inflow) for r in records], dtype=np.float32)
    return torch.from_numpy(feats), torch.from_numpy(ids), torch.from_numpy(target)


class InflowNet(nn.Module):
    def __init__(self, spec: ModelSpec, n_features: int):
        super().__init__()
        self.catchment_emb = nn.Embedding(spec.n_catchments, spec.emb_dim)
        self.mlp = nn.Sequential(
            nn.Linear(n_features + spec.emb_dim, spec.hidden),
            nn.SiLU(),
            nn.Linear(spec.hidden, spec.hidden),
            nn.SiLU(),
            nn.Linear(spec.hidden, 1),
        )

    def forward(self, x, catchment):
        z = torch.cat([x, self.catchment_emb(catchment)], dim=-1)
        return self.mlp(z).squeeze(-1)


def train(*, records, spec, batch_size=64, epochs=3, lr=1e-3, weight_decay=0.0,
          freeze_embeddings=True, clip_norm=1.0, seed=0, verbose=True):
    torch.manual_seed(seed)
    x, cid, y = to_tensors(records)
    mu, sigma = x.mean(0), x.std(0) + 1e-6
    loader = DataLoader(TensorDataset((x - mu) / sigma, cid, y), batch_size=batch_size, shuffle=True)

    model = InflowNet(spec, n_features=len(FEATURES))
    if freeze_embeddings:
        model.catchment_emb.weight.requires_grad_(False)
    trainable = (p for p in model.parameters() if p.requires_grad)
    if verbose:
        print(f"trainable parameters: {sum(p.numel() for p in trainable)}")
    optimizer = torch.optim.Adam(trainable, lr=lr, weight_decay=weight_decay)
    loss_fn = nn.SmoothL1Loss()

    for epoch in range(epochs):
        total, n = 0.0, 0
        for xb, cb, yb in loader:
            pred = model(xb, cb)
            loss = loss_fn(pred, yb)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
            optimizer.step()
            total += loss.item() * len(yb)
            n += len(yb)
        if verbose:
            print(f"epoch {epoch}: smooth_l1={total / n:.4f}")
    return model


if __name__ == "__main__":
    recs = make_records(n_catchments=5, n_days=400, seed=11)
    spec = ModelSpec(n_catchments=5, emb_dim=4, hidden=32)
    train(records=recs, spec=spec, batch_size=128, epochs=3, lr=2e-3,
          weight_decay=1e-5, freeze_embeddings=True, clip_norm=1.0, seed=4)
