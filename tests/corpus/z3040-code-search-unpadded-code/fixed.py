"""Dual-encoder code search: docstring queries vs. Python snippets (InfoNCE)."""
from __future__ import annotations

import io
import keyword
import random
import re
import tokenize
from collections import Counter
from dataclasses import dataclass
from typing import Iterator, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SEED = 13
MAX_QUERY_LEN = 16
MAX_CODE_LEN = 64
PAD, UNK = "<pad>", "<unk>"

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def split_identifier(name: str) -> list[str]:
    parts: list[str] = []
    for chunk in name.split("_"):
        parts.extend(p.lower() for p in _CAMEL.findall(chunk))
    return parts or [name.lower()]


def code_subwords(source: str) -> list[str]:
    out: list[str] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string):
            out.extend(split_identifier(tok.string))
        elif tok.type in (tokenize.NAME, tokenize.OP):
            out.append(tok.string)
        elif tok.type == tokenize.NUMBER:
            out.append("<num>")
        elif tok.type == tokenize.STRING:
            out.append("<str>")
    return out


def query_subwords(text: str) -> list[str]:
    return [w for t in re.findall(r"\w+", text) for w in split_identifier(t)]


VERBS = ["load", "parse", "compute", "merge", "filter", "normalize", "fetch", "render"]
NOUNS = ["user", "config", "token", "record", "matrix", "path", "cache", "header"]


def synth_pair(rng: random.Random) -> tuple[str, str]:
    verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
    fn = f"{verb}_{noun}" if rng.random() < 0.5 else f"{verb}{noun.capitalize()}"
    arg = rng.choice(["items", "rawData", "src_path", "payload"])
    body = [f"def {fn}({arg}, limit={rng.randint(1, 99)}):"]
    for i in range(rng.randint(1, 4)):
        body.append(f"    tmp{i} = [x for x in {arg} if x is not None][:limit]")
    body.append(f"    return {{'{noun}': tmp0}}")
    query = f"{verb} the {noun} from {arg}"
    return query, "\n".join(body) + "\n"


class Vocab:
    def __init__(self, streams: Sequence[list[str]], min_freq: int = 1) -> None:
        counts = Counter(t for s in streams for t in s)
        self.itos = [PAD, UNK] + sorted(t for t, c in counts.items() if c >= min_freq)
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def to_ids(self, toks: Sequence[str]) -> list[int]:
        return [self.stoi.get(t, 1) for t in toks]


def pad_to(ids: list[int], length: int, pad_id: int = 0) -> list[int]:
    ids = ids[:length]
    return ids + [pad_id] * (length - len(ids))


class CodeSearchDataset(Dataset):
    def __init__(self, pairs: list[tuple[str, str]], vocab: Vocab) -> None:
        self.pairs = pairs
        self.vocab = vocab

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, idx: int) -> dict[str, torch.Tensor]:
        query, code = self.pairs[idx]
        q_ids = pad_to(self.vocab.to_ids(query_subwords(query)), MAX_QUERY_LEN)
        code_ids = pad_to(self.vocab.to_ids(code_subwords(code)), MAX_CODE_LEN)
        return {
            "query_ids": torch.tensor(q_ids, dtype=torch.long),
            "code_ids": torch.tensor(code_ids, dtype=torch.long),
        }


class BagEncoder(nn.Module):
    def __init__(self, vocab_size: int, dim: int = 48) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.proj = nn.Sequential(nn.Linear(dim, dim), nn.Tanh(), nn.Linear(dim, dim))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = (ids != 0).unsqueeze(-1).float()
        pooled = (self.emb(ids) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return F.normalize(self.proj(pooled), dim=-1)


@dataclass
class TrainConfig:
    batch_size: int = 8
    epochs: int = 2
    lr: float = 3e-3
    temperature: float = 0.07


def info_nce(q: torch.Tensor, c: torch.Tensor, temperature: float) -> torch.Tensor:
    logits = q @ c.t() / temperature
    target = torch.arange(q.size(0))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target)) / 2


def batches(loader: DataLoader, epochs: int) -> Iterator[tuple[int, dict[str, torch.Tensor]]]:
    for epoch in range(epochs):
        for batch in loader:
            yield epoch, batch


def main() -> None:
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    pairs = [synth_pair(rng) for _ in range(96)]
    vocab = Vocab([query_subwords(q) for q, _ in pairs] + [code_subwords(c) for _, c in pairs])
    cfg = TrainConfig()

    loader = DataLoader(CodeSearchDataset(pairs, vocab), batch_size=cfg.batch_size, shuffle=True)
    query_enc, code_enc = BagEncoder(len(vocab)), BagEncoder(len(vocab))
    params = list(query_enc.parameters()) + list(code_enc.parameters())
    opt = torch.optim.AdamW(params, lr=cfg.lr)

    for step, (epoch, batch) in enumerate(batches(loader, cfg.epochs)):
        q = query_enc(batch["query_ids"])
        c = code_enc(batch["code_ids"])
        loss = info_nce(q, c, cfg.temperature)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"epoch {epoch} step {step} loss {loss.item():.4f}")

    with torch.no_grad():
        q = query_enc(torch.stack([CodeSearchDataset(pairs, vocab)[i]["query_ids"] for i in range(8)]))
        c = code_enc(torch.stack([CodeSearchDataset(pairs, vocab)[i]["code_ids"] for i in range(8)]))
        top1 = (q @ c.t()).argmax(-1)
    print("top-1 on first 8:", (top1 == torch.arange(8)).float().mean().item())


if __name__ == "__main__":
    main()
