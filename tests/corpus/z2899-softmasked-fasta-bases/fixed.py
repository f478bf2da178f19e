"""Enhancer vs. background classifier from a FASTA of genomic windows.

Sequences are encoded as overlapping k-mers (base-4 integer ids) and fed to an
EmbeddingBag model; labels are stored in the FASTA header (label=0/1).
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Dict, Iterable, Iterator, List, Tuple

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class Base(Enum):
    A = "A"
    C = "C"
    G = "G"
    T = "T"

    @property
    def code(self) -> int:
        return "ACGT".index(self.value)


REGISTRY: Dict[str, Callable[["Config"], nn.Module]] = {}


def register_model(key: str):
    def inner(fn: Callable[["Config"], nn.Module]):
        REGISTRY[key] = fn
        return fn
    return inner


@dataclass
class Config:
    fasta_name: str = "windows.fa"
    k: int = 4
    n_windows: int = 120
    window: int = 150
    dim: int = 32
    batch_size: int = 16
    epochs: int = 3
    lr: float = 5e-3
    model: str = "kmer_bag"
    seed: int = 11


REPEAT_UNITS = ["GGCCGGGCGCGGTGGCTCA", "TTAGGGTTAGGGTTAGGG", "CACACACACACACACA"]
ENHANCER_MOTIFS = ["CACGTG", "TGACTCA", "GGAATTCC"]


def simulate_fasta(path: str, cfg: Config) -> None:
    rng = random.Random(cfg.seed)
    with open(path, "w") as fh:
        for i in range(cfg.n_windows):
            seq = [rng.choice("ACGT") for _ in range(cfg.window)]
            label = int(rng.random() < 0.5)
            if label:
                for _ in range(3):
                    motif = rng.choice(ENHANCER_MOTIFS)
                    p = rng.randrange(cfg.window - len(motif))
                    seq[p:p + len(motif)] = motif
            if rng.random() < 0.3:
                rep = rng.choice(REPEAT_UNITS).lower()
                p = rng.randrange(cfg.window - len(rep))
                seq[p:p + len(rep)] = rep
            s = "".join(seq)
            fh.write(f">chr{1 + i % 22}:{i * 1000}-{i * 1000 + cfg.window} label={label}\n")
            for j in range(0, len(s), 60):
                fh.write(s[j:j + 60] + "\n")


def read_fasta(path: str) -> Iterator[Tuple[str, str]]:
    header, chunks = None, []
    with open(path) as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith(">"):
                if header is not None:
                    yield header, "".join(chunks)
                header, chunks = line[1:], []
            elif line:
                chunks.append(line.strip().upper())
    if header is not None:
        yield header, "".join(chunks)


def parse_label(header: str) -> int:
    fields = dict(tok.split("=", 1) for tok in header.split()[1:])
    return int(fields["label"])


def kmer_ids(seq: str, k: int) -> List[int]:
    codes = [Base(ch).code for ch in seq]
    out: List[int] = []
    for i in range(len(codes) - k + 1):
        v = 0
        for c in codes[i:i + k]:
            v = v * 4 + c
        out.append(v)
    return out


class WindowSet(Dataset):
    def __init__(self, records: Iterable[Tuple[str, str]], k: int):
        self.items = [(torch.tensor(kmer_ids(s, k)), parse_label(h)) for h, s in records]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Tuple[torch.Tensor, int]:
        return self.items[i]


def collate(batch: List[Tuple[torch.Tensor, int]]) -> Dict[str, torch.Tensor]:
    ids = torch.cat([b[0] for b in batch])
    offsets = torch.tensor([0] + [len(b[0]) for b in batch[:-1]]).cumsum(0)
    return {"ids": ids, "offsets": offsets, "y": torch.tensor([float(b[1]) for b in batch])}


class KmerBag(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.bag = nn.EmbeddingBag(4 ** cfg.k, cfg.dim, mode="mean")
        self.out = nn.Sequential(nn.ReLU(), nn.Linear(cfg.dim, 1))

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        return self.out(self.bag(ids, offsets)).squeeze(-1)


@register_model("kmer_bag")
def kmer_bag(cfg: Config) -> nn.Module:
    return KmerBag(cfg)


def main() -> None:
    cfg = Config()
    torch.manual_seed(cfg.seed)
    fasta = os.path.join(os.path.dirname(os.path.abspath(__file__)), cfg.fasta_name)
    simulate_fasta(fasta, cfg)
    ds = WindowSet(read_fasta(fasta), cfg.k)
    dl = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    model = REGISTRY[cfg.model](cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    crit = nn.BCEWithLogitsLoss()
    for ep in range(cfg.epochs):
        total = 0.0
        for b in dl:
            loss = crit(model(b["ids"], b["offsets"]), b["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(b["y"])
        print(f"epoch {ep} mean loss {total / len(ds):.4f}")


if __name__ == "__main__":
    main()
