"""Pluggable code-search index: encoders are registered behind a Protocol and queried by cosine score."""
from __future__ import annotations

import io
import random
import re
import tokenize
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import torch
import torch.nn as nn
import torch.nn.functional as F

SPLIT = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
TERMS = ["read", "write", "json", "csv", "file", "parse", "header", "row", "user", "email",
         "validate", "hash", "password", "sort", "list", "merge", "dict", "cache", "clear", "retry"]


@runtime_checkable
class SnippetEncoder(Protocol):
    dim: int

    def encode(self, token_lists: list[list[str]]) -> torch.Tensor: ...


def subwords(source: str) -> list[str]:
    toks: list[str] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME:
            toks.extend(p.lower() for p in SPLIT.findall(tok.string))
    return toks


class HashingBagEncoder(nn.Module):
    def __init__(self, buckets: int = 512, dim: int = 32) -> None:
        super().__init__()
        self.buckets = buckets
        self.dim = dim
        self.table = nn.EmbeddingBag(buckets, dim, mode="mean")

    def _bucket(self, tok: str) -> int:
        h = 2166136261
        for ch in tok.encode():
            h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
        return h % self.buckets

    def encode(self, token_lists: list[list[str]]) -> torch.Tensor:
        flat, offsets = [], []
        for toks in token_lists:
            offsets.append(len(flat))
            flat.extend(self._bucket(t) for t in (toks or ["<empty>"]))
        with torch.no_grad():
            vecs = self.table(torch.tensor(flat), torch.tensor(offsets))
        return F.normalize(vecs, dim=-1)


class CharTrigramEncoder:
    def __init__(self, dim: int = 32, seed: int = 0) -> None:
        self.dim = dim
        gen = torch.Generator().manual_seed(seed)
        self.proj = torch.randn(4096, dim, generator=gen)

    def encode(self, token_lists: list[list[str]]) -> torch.Tensor:
        rows = []
        for toks in token_lists:
            text = f" {' '.join(toks)} "
            idx = torch.tensor([hash(text[i:i + 3]) % 4096 for i in range(len(text) - 2)])
            rows.append(self.proj[idx].mean(0))
        return F.normalize(torch.stack(rows), dim=-1)


@dataclass
class CodeIndex:
    encoders: dict[str, SnippetEncoder] = field(default_factory=dict)
    snippets: list[str] = field(default_factory=list)
    matrices: dict[str, torch.Tensor] = field(default_factory=dict)

    def register(self, name: str, encoder: object) -> None:
        if not isinstance(encoder, SnippetEncoder):
            raise TypeError(f"{name} does not implement SnippetEncoder")
        self.encoders[name] = encoder

    def add(self, sources: list[str]) -> None:
        self.snippets.extend(sources)
        tokenised = [subwords(s) for s in self.snippets]
        self.matrices = {n: enc.encode(tokenised) for n, enc in self.encoders.items()}

    def search(self, query: str, k: int = 3) -> dict[str, list[tuple[float, int]]]:
        q_toks = [w.lower() for w in re.findall(r"[A-Za-z]+", query)]
        hits: dict[str, list[tuple[float, int]]] = {}
        for name, enc in self.encoders.items():
            scores = self.matrices[name] @ enc.encode([q_toks])[0]
            top = torch.topk(scores, k=min(k, scores.numel()))
            hits[name] = [(round(v, 3), i) for v, i in zip(top.values.tolist(), top.indices.tolist())]
        return hits


def synth_corpus(n: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(n):
        a, b, c = rng.sample(TERMS, 3)
        fn = f"{a}_{b}" if rng.random() < 0.5 else f"{a}{b.title()}{c.title()}"
        out.append(f"def {fn}({c}Items, maxRetry=3):\n    return [{b}Value for {b}Value in {c}Items]\n")
    return out


def main() -> None:
    rng = random.Random(3)
    torch.manual_seed(3)
    index = CodeIndex()
    index.register("hash-bag", HashingBagEncoder())
    index.register("char-trigram", CharTrigramEncoder())
    index.add(synth_corpus(60, rng))
    for query in ["parse csv header row", "validate user email", "merge dict cache"]:
        for name, hits in index.search(query).items():
            best = index.snippets[hits[0][1]].splitlines()[0]
            print(f"{query!r:28} {name:12} {hits[0][0]:+.3f} {best}")


if __name__ == "__main__":
    main()
