"""Next-basket item recommender trained on synthetic point-of-sale logs.

Small in-house pipeline: build vocabularies from the transaction log, turn each
customer's history into (prefix -> next item) examples, and fit a GRU encoder.
"""
import argparse
import functools
import random
from dataclasses import dataclass
from typing import Dict, Iterator, List, Protocol, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------
# utils
# ----------------------------------------------------------------------------
def to_tensor(xs, dtype=torch.long) -> torch.Tensor:
    return torch.as_tensor(np.asarray(xs), dtype=dtype)


def pad_to(seq: Sequence[int], length: int, pad: int = 0) -> List[int]:
    seq = list(seq)[-length:]
    return [pad] * (length - len(seq)) + seq


def batched(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# ----------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Txn:
    user: str
    sku: str
    ts: int


def synth_log(n_users: int, n_skus: int, n_rows: int, seed: int) -> List[Txn]:
    rng = random.Random(seed)
    popularity = [1.0 / (k + 1) for k in range(n_skus)]
    skus = [f"SKU-{k:05d}" for k in range(n_skus)]
    rows = []
    for i in range(n_rows):
        u = f"U{rng.randrange(n_users):04d}"
        s = rng.choices(skus, weights=popularity)[0]
        rows.append(Txn(u, s, i))
    return rows


class Vocab:
    PAD = "<pad>"

    def __init__(self, tokens: Sequence[str]):
        uniq = sorted(set(tokens))
        self.itos = [self.PAD] + uniq
        self.stoi: Dict[str, int] = {t: i for i, t in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    @functools.lru_cache(maxsize=None)
    def lookup(self, token: str) -> int:
        return self.stoi[token]


def histories(log: List[Txn]) -> Dict[str, List[str]]:
    out: Dict[str, List[str]] = {}
    for t in sorted(log, key=lambda r: r.ts):
        out.setdefault(t.user, []).append(t.sku)
    return out


def make_examples(hist: Dict[str, List[str]], vocab: Vocab, max_len: int
                  ) -> List[Tuple[List[int], int]]:
    examples = []
    for skus in hist.values():
        ids = [vocab.lookup(s) for s in skus]
        for cut in range(1, len(ids)):
            examples.append((pad_to(ids[:cut], max_len), ids[cut]))
    return examples


# ----------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------
class Recommender(Protocol):
    def __call__(self, prefix: torch.Tensor) -> torch.Tensor: ...


class GRURecommender(nn.Module):
    def __init__(self, n_items: int, dim: int):
        super().__init__()
        self.emb = nn.Embedding(n_items + 1, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_items)

    def forward(self, prefix: torch.Tensor) -> torch.Tensor:
        h, _ = self.gru(self.emb(prefix))
        return self.out(h[:, -1])


def train_epoch(model: Recommender, opt, examples, batch_size: int) -> float:
    total, n = 0.0, 0
    for chunk in batched(examples, batch_size):
        prefix = to_tensor([p for p, _ in chunk])
        target = to_tensor([t for _, t in chunk])
        logits = model(prefix)
        loss = F.cross_entropy(logits, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(chunk)
        n += len(chunk)
    return total / max(n, 1)


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--users", type=int, default=60)
    p.add_argument("--skus", type=int, default=40)
    p.add_argument("--rows", type=int, default=1500)
    p.add_argument("--max-len", type=int, default=12)
    p.add_argument("--dim", type=int, default=32)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    log = synth_log(args.users, args.skus, args.rows, args.seed)
    item_vocab = Vocab(t.sku for t in log)
    user_vocab = Vocab(t.user for t in log)
    print(f"{len(user_vocab) - 1} users, {len(item_vocab) - 1} items")

    examples = make_examples(histories(log), item_vocab, args.max_len)
    random.Random(args.seed).shuffle(examples)
    print(f"{len(examples)} next-item examples")

    n_items = len(item_vocab) - 1
    model = GRURecommender(n_items, args.dim)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(args.epochs):
        loss = train_epoch(model, opt, examples, args.batch_size)
        print(f"epoch {epoch}: loss {loss:.4f}")


if __name__ == "__main__":
    main(["--epochs", "2", "--batch-size", "64"])
