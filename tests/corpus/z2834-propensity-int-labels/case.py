"""Two-tower purchase-propensity model with sampled negatives.

Positive pairs come from the transaction log; for every positive we draw
`neg_ratio` items the user never bought. Scored with a dot product and
trained with binary cross-entropy on logits.
"""
import argparse
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Protocol, Set, Tuple

import numpy as np
import torch
import torch.nn as nn


# ---------------------------------------------------------------- utils ----
def to_tensor(x, dtype=None):
    arr = np.asarray(x)
    return torch.from_numpy(arr) if dtype is None else torch.from_numpy(arr).to(dtype)


def pad_to(x: List[int], n: int, fill: int = 0) -> List[int]:
    return x[:n] + [fill] * max(0, n - len(x))


def batched(it, n: int) -> Iterator[list]:
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) == n:
            yield buf
            buf = []
    if buf:
        yield buf


# ---------------------------------------------------------------- data -----
@dataclass
class IdVocab:
    index: Dict[str, int] = field(default_factory=dict)

    def add(self, key: str) -> int:
        return self.index.setdefault(key, len(self.index))

    def __len__(self):
        return len(self.index)


def synth_transactions(seed: int, n_users=80, n_items=50, n_rows=2000) -> List[Tuple[str, str, float]]:
    rng = np.random.default_rng(seed)
    taste = rng.integers(0, 5, size=n_users)
    rows = []
    for _ in range(n_rows):
        u = int(rng.integers(n_users))
        cat = taste[u] if rng.random() < 0.7 else int(rng.integers(5))
        i = int(cat * (n_items // 5) + rng.integers(n_items // 5))
        rows.append((f"cust_{u}", f"item_{i}", float(rng.uniform(1, 40))))
    return rows


def build_vocabs(rows):
    users, items = IdVocab(), IdVocab()
    bought: Dict[int, Set[int]] = defaultdict(set)
    for cust, sku, _amount in rows:
        bought[users.add(cust)].add(items.add(sku))
    return users, items, bought


def sample_pairs(bought, n_items: int, neg_ratio: int, rng, pop) -> Iterator[Tuple[int, int, int]]:
    for u, pos in bought.items():
        for i in pos:
            yield u, i, 1
            for _ in range(neg_ratio):
                j = int(rng.choice(n_items, p=pop))
                while j in pos:
                    j = int(rng.choice(n_items, p=pop))
                yield u, j, 0


def make_batch(chunk):
    users, items, labels = zip(*chunk)
    return {"user": to_tensor(users), "item": to_tensor(items), "label": to_tensor(labels)}


# ---------------------------------------------------------------- model ----
class Scorer(Protocol):
    def __call__(self, user: torch.Tensor, item: torch.Tensor) -> torch.Tensor: ...


class TwoTower(nn.Module):
    def __init__(self, n_users: int, n_items: int, dim: int = 16):
        super().__init__()
        self.user = nn.Sequential(nn.Embedding(n_users, dim), nn.Linear(dim, dim))
        self.item = nn.Sequential(nn.Embedding(n_items, dim), nn.Linear(dim, dim))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, user, item):
        return (self.user(user) * self.item(item)).sum(-1) + self.bias


@functools.lru_cache(maxsize=None)
def item_popularity(n_items: int, seed: int) -> Tuple[float, ...]:
    return tuple(np.random.default_rng(seed).dirichlet(np.ones(n_items)))


def run(args) -> None:
    rows = synth_transactions(args.seed)
    users, items, bought = build_vocabs(rows)
    print(f"vocab: {len(users)} customers / {len(items)} items / {len(rows)} txns")

    model: Scorer = TwoTower(len(users), len(items), args.dim)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    criterion = nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(args.seed)

    for epoch in range(args.epochs):
        losses = []
        pop = np.asarray(item_popularity(len(items), args.seed))
        pairs = sample_pairs(bought, len(items), args.neg_ratio, rng, pop)
        for chunk in batched(pairs, args.batch_size):
            batch = make_batch(chunk)
            logits = model(batch["user"], batch["item"])
            loss = criterion(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: bce={np.mean(losses):.4f}")


def main():
    parser = argparse.ArgumentParser(description="two-tower propensity")
    parser.add_argument("--dim", type=int, default=16)
    parser.add_argument("--neg-ratio", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--seed", type=int, default=11)
    run(parser.parse_args(["--neg-ratio", "4", "--epochs", "3"]))


if __name__ == "__main__":
    main()
