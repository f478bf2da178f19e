"""promoscan: k-mer attention-pooling classifier for promoter vs. background DNA windows."""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Dict, Iterator, List, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class Base(str, Enum):
    A = "A"
    C = "C"
    G = "G"
    T = "T"


SPECIAL = ("<pad>", "<unk>")
MODEL_REGISTRY: Dict[str, Callable[..., nn.Module]] = {}


def register(name: str) -> Callable[[Callable[..., nn.Module]], Callable[..., nn.Module]]:
    def deco(fn: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        MODEL_REGISTRY[name] = fn
        return fn
    return deco


@dataclass
class RunSettings:
    k: int = 4
    stride: int = 1
    min_len: int = 60
    max_len: int = 140
    n_train: int = 192
    batch_size: int = 16
    embed_dim: int = 48
    epochs: int = 2
    lr: float = 2e-3
    seed: int = 7
    model_name: str = "kmer_attnpool"
    motif: str = "TATAAT"
    extra: Dict[str, float] = field(default_factory=lambda: {"dropout": 0.1})


def build_kmer_vocab(k: int) -> Dict[str, int]:
    kmers = ("".join(p) for p in itertools.product([b.value for b in Base], repeat=k))
    vocab = {tok: i for i, tok in enumerate(SPECIAL)}
    for km in kmers:
        vocab[km] = len(vocab)
    return vocab


def kmerize(seq: str, k: int, stride: int) -> List[str]:
    return [seq[i:i + k] for i in range(0, len(seq) - k + 1, stride)]


def synth_windows(cfg: RunSettings, rng: random.Random) -> Iterator[Tuple[str, int]]:
    alphabet = [b.value for b in Base]
    for _ in range(cfg.n_train):
        n = rng.randint(cfg.min_len, cfg.max_len)
        seq = [rng.choice(alphabet) for _ in range(n)]
        label = rng.random() < 0.5
        if label:
            pos = rng.randint(0, n - len(cfg.motif))
            seq[pos:pos + len(cfg.motif)] = list(cfg.motif)
        yield "".join(seq), int(label)


class WindowSet(Dataset):
    def __init__(self, records: Sequence[Tuple[str, int]], vocab: Dict[str, int], cfg: RunSettings) -> None:
        unk = vocab["<unk>"]
        self.items = [
            ([vocab.get(km, unk) for km in kmerize(s, cfg.k, cfg.stride)], y) for s, y in records
        ]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, idx: int) -> Tuple[List[int], int]:
        return self.items[idx]


def make_collate(pad_id: int) -> Callable[[List[Tuple[List[int], int]]], Dict[str, torch.Tensor]]:
    def collate(batch: List[Tuple[List[int], int]]) -> Dict[str, torch.Tensor]:
        width = max(len(ids) for ids, _ in batch)
        ids = np.full((len(batch), width), pad_id, dtype=np.int64)
        pad = np.zeros((len(batch), width), dtype=bool)
        for row, (toks, _) in enumerate(batch):
            ids[row, : len(toks)] = toks
            pad[row, len(toks):] = 1
        labels = np.array([y for _, y in batch], dtype=np.float32)
        return {
            "input_ids": torch.from_numpy(ids),
            "pad_mask": torch.from_numpy(pad),
            "labels": torch.from_numpy(labels),
        }
    return collate


class AttentionPool(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, h: torch.Tensor, pad_mask: torch.Tensor) -> torch.Tensor:
        logits = self.score(h).squeeze(-1)
        logits = logits.masked_fill(pad_mask, float("-inf"))
        weights = torch.softmax(logits, dim=-1)
        return torch.einsum("bl,bld->bd", weights, h)


class KmerAttnPool(nn.Module):
    def __init__(self, vocab_size: int, dim: int, dropout: float) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.conv = nn.Conv1d(dim, dim, kernel_size=5, padding=2)
        self.drop = nn.Dropout(dropout)
        self.pool = AttentionPool(dim)
        self.head = nn.Linear(dim, 1)

    def forward(self, input_ids: torch.Tensor, pad_mask: torch.Tensor) -> torch.Tensor:
        h = self.embed(input_ids)
        h = torch.relu(self.conv(h.transpose(1, 2))).transpose(1, 2)
        pooled = self.pool(self.drop(h), pad_mask)
        return self.head(pooled).squeeze(-1)


@register("kmer_attnpool")
def build_kmer_attnpool(vocab_size: int, cfg: RunSettings) -> nn.Module:
    return KmerAttnPool(vocab_size, cfg.embed_dim, cfg.extra["dropout"])


def train(cfg: RunSettings) -> float:
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    vocab = build_kmer_vocab(cfg.k)
    records = list(synth_windows(cfg, rng))
    loader = DataLoader(
        WindowSet(records, vocab, cfg),
        batch_size=cfg.batch_size,
        shuffle=True,
        collate_fn=make_collate(vocab["<pad>"]),
    )
    model = MODEL_REGISTRY[cfg.model_name](len(vocab), cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    last = float("nan")
    for epoch in range(cfg.epochs):
        model.train()
        total, n = 0.0, 0
        for batch in loader:
            opt.zero_grad()
            logits = model(batch["input_ids"], batch["pad_mask"])
            loss = loss_fn(logits, batch["labels"])
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["labels"])
            n += len(batch["labels"])
        last = total / n
        print(f"epoch {epoch} loss {last:.4f}")
    return last


if __name__ == "__main__":
    train(RunSettings())
