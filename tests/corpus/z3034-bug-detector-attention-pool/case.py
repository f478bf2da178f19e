"""Token-level bug detector: classify Python snippets as buggy / clean.

Snippets are lexed with the stdlib tokenize module, identifiers are split into
subwords, and a small conv encoder with attention pooling scores each snippet.
"""
from __future__ import annotations

import io
import random
import re
import tokenize
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterator, Protocol

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

PAD, UNK = "<pad>", "<unk>"
IDENT_PARTS = re.compile(r"[a-z]+|[A-Z][a-z]*|\d+")

NAMES = ["items", "nodeList", "user_ids", "rowCount", "max_len", "bufferSize", "path_parts",
         "cacheKey", "result", "totalScore", "idx", "child_nodes"]


class Mutator(Protocol):
    def __call__(self, src: str, rng: random.Random) -> str: ...


def off_by_one(src: str, rng: random.Random) -> str:
    return src.replace("range(len(", "range(1 + len(", 1)


def flip_compare(src: str, rng: random.Random) -> str:
    return src.replace(" < ", " <= ", 1)


def none_equality(src: str, rng: random.Random) -> str:
    return src.replace(" is None", " == None", 1)


MUTATORS: tuple[Mutator, ...] = (off_by_one, flip_compare, none_equality)


def clean_snippet(rng: random.Random) -> str:
    a, b = rng.sample(NAMES, 2)
    lines = [f"def process({a}, {b}=None):",
             f"    if {b} is None:",
             f"        {b} = []",
             f"    for i in range(len({a})):",
             f"        if i < len({b}):",
             f"            {b}[i] += {a}[i]"]
    if rng.random() < 0.5:
        lines.append(f"        total_{i_name(rng)} = sum({a}[:i])")
    lines.append(f"    return {b}")
    return "\n".join(lines) + "\n"


def i_name(rng: random.Random) -> str:
    return rng.choice(["acc", "sumValue", "running_total"])


def lex(src: str) -> list[str]:
    out: list[str] = []
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == tokenize.NAME:
            out.extend(p.lower() for p in IDENT_PARTS.findall(tok.string))
        elif tok.type in (tokenize.OP, tokenize.NUMBER):
            out.append(tok.string)
        elif tok.type == tokenize.INDENT:
            out.append("<indent>")
    return out


@dataclass
class Example:
    tokens: list[str]
    label: int


def generate(n: int, seed: int) -> Iterator[Example]:
    rng = random.Random(seed)
    for _ in range(n):
        src = clean_snippet(rng)
        label = int(rng.random() < 0.5)
        if label:
            src = rng.choice(MUTATORS)(src, rng)
        yield Example(lex(src), label)


def build_vocab(examples: list[Example]) -> dict[str, int]:
    counts = Counter(t for ex in examples for t in ex.tokens)
    itos = [PAD, UNK] + sorted(counts)
    return {t: i for i, t in enumerate(itos)}


class SnippetDataset(Dataset):
    def __init__(self, examples: list[Example], stoi: dict[str, int]) -> None:
        self.rows = [([stoi.get(t, stoi[UNK]) for t in ex.tokens], ex.label) for ex in examples]

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> tuple[list[int], int]:
        return self.rows[i]


def make_collate(pad_id: int) -> Callable[[list[tuple[list[int], int]]], dict[str, torch.Tensor]]:
    def collate(batch: list[tuple[list[int], int]]) -> dict[str, torch.Tensor]:
        width = max(len(ids) for ids, _ in batch)
        input_ids = torch.tensor([ids + [pad_id] * (width - len(ids)) for ids, _ in batch])
        attention_mask = torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids, _ in batch])
        labels = torch.tensor([y for _, y in batch])
        return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}
    return collate


class ConvBugDetector(nn.Module):
    def __init__(self, vocab_size: int, dim: int = 48, kernel: int = 3) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.conv = nn.Conv1d(dim, dim, kernel, padding=kernel // 2)
        self.attn = nn.Linear(dim, 1)
        self.head = nn.Linear(dim, 2)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        h = self.embed(input_ids)
        h = F.gelu(self.conv(h.transpose(1, 2))).transpose(1, 2)
        scores = self.attn(h).squeeze(-1)
        scores = scores.masked_fill(~attention_mask, float("-inf"))
        weights = scores.softmax(dim=-1)
        pooled = torch.einsum("bt,btd->bd", weights, h)
        return self.head(pooled)


def run_epoch(model: nn.Module, loader: DataLoader, opt: torch.optim.Optimizer) -> float:
    model.train()
    losses = []
    for batch in loader:
        labels = batch.pop("labels")
        logits = model(**batch)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def main() -> None:
    torch.manual_seed(0)
    examples = list(generate(300, seed=0))
    stoi = build_vocab(examples)
    loader = DataLoader(SnippetDataset(examples, stoi), batch_size=16, shuffle=True,
                        collate_fn=make_collate(stoi[PAD]))
    model = ConvBugDetector(len(stoi))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(3):
        print(f"epoch {epoch}: loss={run_epoch(model, loader, opt):.4f}")


if __name__ == "__main__":
    main()
