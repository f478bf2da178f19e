"""Promoter vs. background classifier on k-mer tokenized DNA.

Tokens that overlap an ambiguous base (N) are excluded from attention so the
model cannot learn from sequencing gaps.
"""
from __future__ import annotations

import itertools
import os
import random
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Dict, Iterator, List, Tuple

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class Base(str, Enum):
    A = "A"
    C = "C"
    G = "G"
    T = "T"
    N = "N"


SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MODEL_REGISTRY: Dict[str, Callable[..., torch.nn.Module]] = {}


def register(name: str):
    def wrap(fn):
        MODEL_REGISTRY[name] = fn
        return fn
    return wrap


@dataclass
class RunSettings:
    k: int = 3
    min_bases: int = 30
    max_bases: int = 52
    max_tokens: int = 64
    n_train: int = 96
    batch_size: int = 16
    epochs: int = 2
    lr: float = 3e-4
    ambiguity_rate: float = 0.03
    arch: str = "bert-tiny"
    seed: int = 13
    workdir: str = field(default_factory=lambda: os.path.dirname(os.path.abspath(__file__)))


def all_kmers(k: int) -> List[str]:
    return ["".join(p) for p in itertools.product([b.value for b in Base], repeat=k)]


def write_vocab(path: str, k: int) -> str:
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIAL_TOKENS + all_kmers(k)) + "\n")
    return path


def kmerize(seq: str, k: int) -> List[str]:
    return [seq[i:i + k] for i in range(len(seq) - k + 1)]


def synth_sequences(cfg: RunSettings) -> Iterator[Tuple[str, int]]:
    rng = random.Random(cfg.seed)
    acgt = [Base.A.value, Base.C.value, Base.G.value, Base.T.value]
    for _ in range(cfg.n_train):
        length = rng.randint(cfg.min_bases, cfg.max_bases)
        seq = [rng.choice(acgt) for _ in range(length)]
        label = rng.random() < 0.5
        if label:
            start = rng.randint(0, length - 6)
            seq[start:start + 6] = list("TATAAA")
        for i in range(length):
            if rng.random() < cfg.ambiguity_rate:
                seq[i] = Base.N.value
        yield "".join(seq), int(label)


class PromoterSet(Dataset):
    def __init__(self, records: List[Tuple[str, int]]):
        self.records = records

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, idx: int) -> Dict[str, object]:
        seq, label = self.records[idx]
        return {"seq": seq, "label": label}


def ambiguity_mask(kmer_lists: List[List[str]], width: int) -> torch.Tensor:
    mask = torch.zeros(len(kmer_lists), width, dtype=torch.long)
    for row, kmers in enumerate(kmer_lists):
        keep = [0 if Base.N.value in km else 1 for km in kmers[: width - 2]]
        mask[row, : len(keep) + 2] = torch.tensor([1] + keep + [1])
    return mask


def make_collate(tokenizer: BertTokenizer, cfg: RunSettings):
    def collate(items: List[Dict[str, object]]) -> Dict[str, torch.Tensor]:
        kmer_lists = [kmerize(it["seq"], cfg.k) for it in items]
        enc = tokenizer(
            [" ".join(kms) for kms in kmer_lists],
            padding="max_length",
            max_length=cfg.max_tokens,
            truncation=True,
            return_tensors="pt",
        )
        return {
            "input_ids": enc["input_ids"],
            "token_type_ids": enc["token_type_ids"],
            "attention_mask": ambiguity_mask(kmer_lists, cfg.max_tokens),
            "labels": torch.tensor([it["label"] for it in items]),
        }
    return collate


@register("bert-tiny")
def build_bert_tiny(vocab_size: int, cfg: RunSettings) -> BertForSequenceClassification:
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=cfg.max_tokens,
        num_labels=2,
    )
    return BertForSequenceClassification(config)


def train(cfg: RunSettings) -> float:
    torch.manual_seed(cfg.seed)
    vocab_path = write_vocab(os.path.join(cfg.workdir, f"dna_{cfg.k}mer_vocab.txt"), cfg.k)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=False)
    records = list(synth_sequences(cfg))
    loader = DataLoader(
        PromoterSet(records),
        batch_size=cfg.batch_size,
        shuffle=True,
        collate_fn=make_collate(tokenizer, cfg),
    )
    model = MODEL_REGISTRY[cfg.arch](len(tokenizer), cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    last_loss = float("nan")
    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            running += out.loss.item()
        last_loss = running / (step + 1)
        print(f"epoch {epoch} loss {last_loss:.4f}")
    return last_loss


if __name__ == "__main__":
    settings = RunSettings()
    final = train(settings)
    print(f"done, final loss {final:.4f}")
