"""Code search evaluation harness: pluggable query/code encoders checked against a Protocol."""
from __future__ import annotations

import io
import keyword
import random
import re
import tokenize
from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

_SPLIT = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


class Encoder(Protocol):
    def encode(self, batch: Sequence[list[int]]) -> torch.Tensor: ...


def subtokens(identifier: str) -> list[str]:
    return [m.lower() for part in identifier.split("_") for m in _SPLIT.findall(part)]


def code_tokens(src: str) -> list[str]:
    toks = tokenize.generate_tokens(io.StringIO(src).readline)
    return [s for t in toks if t.type == tokenize.NAME and not keyword.iskeyword(t.string)
            for s in subtokens(t.string)]


def hashed_ids(words: list[str], buckets: int) -> list[int]:
    return [1 + (sum(map(ord, w)) * 2654435761) % (buckets - 1) for w in words] or [0]


class HashedBagEncoder(nn.Module):
    def __init__(self, buckets: int, dim: int) -> None:
        super().__init__()
        self.buckets = buckets
        self.bag = nn.EmbeddingBag(buckets, dim, mode="mean")
        self.proj = nn.Linear(dim, dim)

    def forward(self, flat: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.proj(self.bag(flat, offsets)), dim=-1)

    def encode(self, batch: Sequence[list[int]]) -> torch.Tensor:
        offsets = torch.tensor([0] + [len(x) for x in batch[:-1]]).cumsum(0)
        flat = torch.tensor([i for x in batch for i in x], dtype=torch.long)
        return self(flat, offsets)


@dataclass(frozen=True)
class Pair:
    query: str
    code: str


def make_pairs(n: int, seed: int) -> list[Pair]:
    rng = random.Random(seed)
    actions = ["readConfig", "write_csv", "parseHeader", "send_request", "hashPassword", "resize_image"]
    out = []
    for _ in range(n):
        fn = rng.choice(actions)
        arg = rng.choice(["path", "targetUrl", "raw_bytes", "imgArray"])
        code = f"def {fn}({arg}):\n    value = helper_{rng.randint(0, 9)}({arg})\n    return value\n"
        out.append(Pair(" ".join(subtokens(fn) + subtokens(arg)), code))
    return out


def mrr(q: torch.Tensor, c: torch.Tensor) -> float:
    sims = q @ c.t()
    ranks = (sims > sims.diag().unsqueeze(1)).sum(1) + 1
    return (1.0 / ranks.float()).mean().item()


def evaluate(query_enc: object, code_enc: object, pairs: list[Pair], buckets: int) -> float:
    for name, enc in (("query", query_enc), ("code", code_enc)):
        if not isinstance(enc, Encoder):
            raise TypeError(f"{name} encoder does not implement Encoder")
    q_ids = [hashed_ids(p.query.split(), buckets) for p in pairs]
    c_ids = [hashed_ids(code_tokens(p.code), buckets) for p in pairs]
    with torch.no_grad():
        return mrr(query_enc.encode(q_ids), code_enc.encode(c_ids))


def train(pairs: list[Pair], buckets: int, dim: int, steps: int,
          log: Callable[[str], None] = print) -> tuple[HashedBagEncoder, HashedBagEncoder]:
    torch.manual_seed(0)
    q_enc, c_enc = HashedBagEncoder(buckets, dim), HashedBagEncoder(buckets, dim)
    opt = torch.optim.Adam([*q_enc.parameters(), *c_enc.parameters()], lr=5e-3)
    rng = random.Random(1)
    for step in range(steps):
        batch = rng.sample(pairs, 16)
        q = q_enc.encode([hashed_ids(p.query.split(), buckets) for p in batch])
        c = c_enc.encode([hashed_ids(code_tokens(p.code), buckets) for p in batch])
        loss = F.cross_entropy(q @ c.t() / 0.05, torch.arange(len(batch)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0:
            log(f"step {step} loss {loss.item():.4f}")
    return q_enc, c_enc


def main() -> None:
    buckets, dim = 512, 32
    train_pairs, test_pairs = make_pairs(200, seed=3), make_pairs(40, seed=4)
    q_enc, c_enc = train(train_pairs, buckets, dim, steps=60)
    score = evaluate(q_enc, c_enc, test_pairs, buckets)
    print(f"test MRR: {score:.3f}")


if __name__ == "__main__":
    main()
