"""Line-level bug localization: score every source line of a snippet, train on the buggy line."""
from __future__ import annotations

import io
import keyword
import random
import re
import tokenize
from dataclasses import dataclass, field
from typing import Iterator

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 2024
EMB_DIM = 32
HIDDEN = 32
_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@dataclass
class Example:
    source: str
    buggy_line: int
    subwords: list[str] = field(default_factory=list)
    token_lines: list[int] = field(default_factory=list)


def subwords_of(name: str) -> list[str]:
    return [p.lower() for piece in name.split("_") for p in _PARTS.findall(piece)] or [name]


def lex(source: str) -> tuple[list[str], list[int]]:
    words: list[str] = []
    rows: list[int] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in (tokenize.NAME, tokenize.OP, tokenize.NUMBER, tokenize.STRING):
            continue
        lineno = tok.start[0]
        if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string):
            pieces = subwords_of(tok.string)
        elif tok.type == tokenize.STRING:
            pieces = ["<str>"]
        else:
            pieces = [tok.string]
        words.extend(pieces)
        rows.extend([lineno] * len(pieces))
    return words, rows


def snippet_stream(rng: random.Random) -> Iterator[Example]:
    names = ["fileHandle", "retry_count", "max_items", "parsedRows", "user_id", "bufferSize"]
    while True:
        a, b = rng.sample(names, 2)
        lines = [f"def process({a}, {b}):", f"    out = []"]
        for k in range(rng.randint(2, 5)):
            lines.append(f"    out.append({a} + {k})")
        bug_at = rng.randrange(2, len(lines))
        lines[bug_at] = lines[bug_at].replace(f"{a} +", f"{b} -")
        lines.append("    return out")
        src = "\n".join(lines) + "\n"
        words, rows = lex(src)
        yield Example(src, bug_at, words, rows)


class LineScorer(nn.Module):
    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab_size, EMB_DIM)
        self.rnn = nn.GRU(EMB_DIM, HIDDEN, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * HIDDEN, 1)

    def forward(self, ids: torch.Tensor, membership: torch.Tensor) -> torch.Tensor:
        states, _ = self.rnn(self.emb(ids).unsqueeze(0))
        tok_scores = self.out(states.squeeze(0)).squeeze(-1)
        counts = membership.sum(dim=1).clamp(min=1.0)
        return (membership @ tok_scores) / counts


def line_membership(token_lines: list[int], n_lines: int) -> torch.Tensor:
    membership = torch.zeros(n_lines, len(token_lines))
    for pos, row in enumerate(token_lines):
        membership[row, pos] = 1.0
    return membership


def build_vocab(examples: list[Example]) -> dict[str, int]:
    vocab = {"<unk>": 0}
    for ex in examples:
        for w in ex.subwords:
            vocab.setdefault(w, len(vocab))
    return vocab


def main() -> None:
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    stream = snippet_stream(rng)
    train = [next(stream) for _ in range(60)]
    held_out = [next(stream) for _ in range(12)]
    vocab = build_vocab(train)

    def to_ids(ex: Example) -> torch.Tensor:
        return torch.tensor([vocab.get(w, 0) for w in ex.subwords], dtype=torch.long)

    model = LineScorer(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)

    for epoch in range(3):
        total = 0.0
        for ex in train:
            n_lines = len(ex.source.splitlines())
            scores = model(to_ids(ex), line_membership(ex.token_lines, n_lines))
            loss = F.cross_entropy(scores.unsqueeze(0), torch.tensor([ex.buggy_line]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} mean loss {total / len(train):.4f}")

    hits = 0
    with torch.no_grad():
        for ex in held_out:
            n_lines = len(ex.source.splitlines())
            scores = model(to_ids(ex), line_membership(ex.token_lines, n_lines))
            hits += int(scores.argmax().item() == ex.buggy_line)
    print(f"held-out top-1 line accuracy: {hits}/{len(held_out)}")


if __name__ == "__main__":
    main()
