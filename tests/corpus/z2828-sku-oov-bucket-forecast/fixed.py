"""Weekly store x SKU demand forecaster (embedding + lag features).

Part of the replenishment toolkit: trains on historical weeks, then scores
the hold-out weeks so planners can compare against the naive baseline.
"""
import argparse
import functools
import itertools
from dataclasses import dataclass
from typing import Dict, Iterable, Iterator, List, NamedTuple, Protocol

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


# --------------------------------------------------------------------- utils
def to_tensor(values, dtype=torch.float32) -> torch.Tensor:
    return torch.as_tensor(np.asarray(values), dtype=dtype)


def pad_to(seq: List[float], n: int, value: float = 0.0) -> List[float]:
    seq = list(seq)[-n:]
    return [value] * (n - len(seq)) + seq


def batched(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


# ---------------------------------------------------------------------- data
class Txn(NamedTuple):
    week: int
    store: str
    sku: str
    units: float


def synth_log(n_weeks: int, n_stores: int, seed: int) -> List[Txn]:
    rng = np.random.default_rng(seed)
    rows = []
    for week in range(n_weeks):
        # assortment grows: new SKUs are launched in the last weeks
        live = 48 if week < n_weeks - 3 else 60
        for s in range(n_stores):
            for k in rng.choice(live, size=12, replace=False):
                base = 5 + (k % 7) + 3 * np.sin(week / 4.0)
                rows.append(Txn(week, f"ST{s:03d}", f"SKU-{k:05d}", float(rng.poisson(max(base, 1)))))
    return rows


class Vocab:
    def __init__(self, tokens: Iterable[str]):
        self.itos = sorted(set(tokens))
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    @functools.lru_cache(maxsize=None)
    def index(self, token: str) -> int:
        return self.stoi.get(token, len(self.itos))


def lag_features(log: List[Txn], n_lags: int) -> Dict[tuple, List[float]]:
    hist: Dict[tuple, List[float]] = {}
    feats = {}
    for t in sorted(log, key=lambda r: r.week):
        key = (t.store, t.sku)
        feats[(t.week,) + key] = pad_to(hist.get(key, []), n_lags)
        hist.setdefault(key, []).append(t.units)
    return feats


class DemandSet(Dataset):
    def __init__(self, rows, feats, stores: Vocab, skus: Vocab):
        self.rows, self.feats, self.stores, self.skus = rows, feats, stores, skus

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        r = self.rows[i]
        return {
            "store": self.stores.index(r.store),
            "sku": self.skus.index(r.sku),
            "lags": self.feats[(r.week, r.store, r.sku)],
            "y": r.units,
        }


def collate(items: List[dict]) -> Dict[str, torch.Tensor]:
    return {
        "store": to_tensor([b["store"] for b in items], torch.long),
        "sku": to_tensor([b["sku"] for b in items], torch.long),
        "lags": to_tensor([b["lags"] for b in items]),
        "y": to_tensor([b["y"] for b in items]),
    }


# --------------------------------------------------------------------- model
class Forecaster(Protocol):
    def __call__(self, batch: Dict[str, torch.Tensor]) -> torch.Tensor: ...


@dataclass
class ForecastConfig:
    n_stores: int
    n_skus: int
    n_lags: int = 6
    dim: int = 16


class EmbedLagNet(nn.Module):
    def __init__(self, cfg: ForecastConfig):
        super().__init__()
        self.store_emb = nn.Embedding(cfg.n_stores, cfg.dim)
        self.sku_emb = nn.Embedding(cfg.n_skus, cfg.dim)
        self.head = nn.Sequential(nn.Linear(2 * cfg.dim + cfg.n_lags, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, batch):
        z = torch.cat([self.store_emb(batch["store"]), self.sku_emb(batch["sku"]),
                       torch.log1p(batch["lags"])], dim=-1)
        return nn.functional.softplus(self.head(z)).squeeze(-1)


def evaluate(model: Forecaster, loader) -> float:
    err, n = 0.0, 0
    with torch.no_grad():
        for batch in loader:
            err += (model(batch) - batch["y"]).abs().sum().item()
            n += batch["y"].numel()
    return err / max(n, 1)


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--weeks", type=int, default=30)
    p.add_argument("--stores", type=int, default=4)
    p.add_argument("--holdout", type=int, default=4)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=64)
    args = p.parse_args(argv)
    torch.manual_seed(0)

    log = synth_log(args.weeks, args.stores, seed=7)
    cutoff = args.weeks - args.holdout
    train_rows = [t for t in log if t.week < cutoff]
    test_rows = [t for t in log if t.week >= cutoff]

    store_vocab = Vocab(t.store for t in train_rows)
    sku_vocab = Vocab(t.sku for t in train_rows)
    cfg = ForecastConfig(n_stores=len(store_vocab) + 1, n_skus=len(sku_vocab) + 1)
    feats = lag_features(log, cfg.n_lags)

    train_dl = DataLoader(DemandSet(train_rows, feats, store_vocab, sku_vocab),
                          batch_size=args.batch_size, shuffle=True, collate_fn=collate)
    test_dl = DataLoader(DemandSet(test_rows, feats, store_vocab, sku_vocab),
                         batch_size=args.batch_size, collate_fn=collate)

    model = EmbedLagNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(args.epochs):
        model.train()
        for batch in train_dl:
            loss = nn.functional.poisson_nll_loss(model(batch), batch["y"], log_input=False)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.3f}")

    model.eval()
    print(f"holdout MAE {evaluate(model, test_dl):.3f} over {len(test_rows)} rows")
    for chunk in batched(sorted(set(t.sku for t in test_rows)), 20):
        print("scored", chunk[0], "...", chunk[-1])


if __name__ == "__main__":
    main(["--weeks", "30", "--stores", "4", "--holdout", "4", "--epochs", "3"])
