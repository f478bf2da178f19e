"""Bi-encoder code search: subword-tokenised identifiers, InfoNCE over in-batch negatives."""
from __future__ import annotations

import io
import random
import re
import tokenize
from collections import Counter
from dataclasses import dataclass
from typing import Iterator, Protocol, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SPECIALS: tuple[str, ...] = ("<pad>", "<unk>", "<cls>")
PAD_ID, UNK_ID, CLS_ID = 0, 1, 2
MAX_VOCAB = 64
CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")

VERBS = ["get", "set", "load", "parse", "build", "read", "write", "compute", "find", "merge",
         "split", "flatten", "validate", "render", "fetch", "update", "remove", "sort", "count", "map"]
NOUNS = ["user", "config", "token", "path", "file", "node", "tree", "edge", "graph", "cache",
         "record", "header", "row", "column", "batch", "score", "index", "item", "key", "value",
         "request", "response", "session", "buffer", "frame", "line", "word", "vector", "matrix", "label"]


class Tokenizer(Protocol):
    def __call__(self, text: str) -> list[str]: ...


def split_identifier(name: str) -> list[str]:
    parts: list[str] = []
    for chunk in name.split("_"):
        parts.extend(p.lower() for p in CAMEL.findall(chunk))
    return parts


def code_subwords(source: str) -> list[str]:
    out: list[str] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME:
            out.extend(split_identifier(tok.string))
        elif tok.type == tokenize.OP:
            out.append(tok.string)
    return out


def query_subwords(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z]+", text)]


class SubwordVocab:
    def __init__(self, streams: Sequence[list[str]], max_size: int) -> None:
        counts = Counter(t for s in streams for t in s)
        self.tokens = [t for t, _ in counts.most_common(max_size)]
        self.stoi = {t: i + len(SPECIALS) for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, toks: list[str], max_len: int) -> list[int]:
        ids = [CLS_ID] + [self.stoi.get(t, UNK_ID) for t in toks]
        return ids[:max_len]


@dataclass(frozen=True)
class Pair:
    query: str
    code: str


def synth_pairs(n: int, rng: random.Random) -> Iterator[Pair]:
    for _ in range(n):
        verb, noun, other = rng.choice(VERBS), rng.choice(NOUNS), rng.choice(NOUNS)
        fn = f"{verb}_{noun}" if rng.random() < 0.5 else f"{verb}{noun.title()}{other.title()}"
        arg = f"{other}List" if rng.random() < 0.5 else f"{other}_map"
        code = (f"def {fn}({arg}, maxCount=10):\n"
                f"    result = [{noun}Item for {noun}Item in {arg} if {noun}Item]\n"
                f"    return result[:maxCount]\n")
        query = f"{verb} the {noun} from a {other} collection"
        yield Pair(query, code)


class PairDataset(Dataset):
    def __init__(self, pairs: list[Pair], vocab: SubwordVocab, max_len: int = 48) -> None:
        self.items = [(vocab.encode(query_subwords(p.query), max_len),
                       vocab.encode(code_subwords(p.code), max_len)) for p in pairs]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> tuple[list[int], list[int]]:
        return self.items[i]


def pad(seqs: list[list[int]]) -> torch.Tensor:
    width = max(map(len, seqs))
    return torch.tensor([s + [PAD_ID] * (width - len(s)) for s in seqs], dtype=torch.long)


def collate(batch: list[tuple[list[int], list[int]]]) -> dict[str, torch.Tensor]:
    qs, cs = zip(*batch)
    return {"query_ids": pad(list(qs)), "code_ids": pad(list(cs))}


class BagEncoder(nn.Module):
    def __init__(self, embedding: nn.Embedding, dim: int) -> None:
        super().__init__()
        self.embedding = embedding
        self.proj = nn.Sequential(nn.Linear(embedding.embedding_dim, dim), nn.Tanh(), nn.Linear(dim, dim))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = (ids != PAD_ID).unsqueeze(-1).float()
        h = self.embedding(ids)
        pooled = (h * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return F.normalize(self.proj(pooled), dim=-1)


class BiEncoder(nn.Module):
    def __init__(self, vocab_size: int, emb_dim: int = 32, dim: int = 32) -> None:
        super().__init__()
        shared = nn.Embedding(vocab_size, emb_dim, padding_idx=PAD_ID)
        self.query_encoder = BagEncoder(shared, dim)
        self.code_encoder = BagEncoder(shared, dim)
        self.log_temp = nn.Parameter(torch.tensor(2.0))

    def forward(self, query_ids: torch.Tensor, code_ids: torch.Tensor) -> torch.Tensor:
        q, c = self.query_encoder(query_ids), self.code_encoder(code_ids)
        return q @ c.T * self.log_temp.exp()


def info_nce(logits: torch.Tensor) -> torch.Tensor:
    target = torch.arange(logits.size(0))
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


def main() -> None:
    rng = random.Random(13)
    torch.manual_seed(13)
    pairs = list(synth_pairs(400, rng))
    streams = [query_subwords(p.query) for p in pairs] + [code_subwords(p.code) for p in pairs]
    vocab = SubwordVocab(streams, max_size=MAX_VOCAB)
    vocab_size = len(vocab)
    print(f"vocab_size={vocab_size}")

    loader = DataLoader(PairDataset(pairs, vocab), batch_size=32, shuffle=True, collate_fn=collate)
    model = BiEncoder(vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for epoch in range(2):
        total = 0.0
        for batch in loader:
            loss = info_nce(model(**batch))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
