"""enhancer_cnn: enhancer vs. background classification of genomic windows from a FASTA file."""
from __future__ import annotations

import os
import random
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Dict, Iterator, List, Tuple

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class Base(str, Enum):
    A = "A"
    C = "C"
    G = "G"
    T = "T"


BASE_INDEX: Dict[Base, int] = {b: i for i, b in enumerate(Base)}
MOTIF = "CACGTGAC"


@dataclass
class EnhancerSettings:
    fasta: str = "windows.fa"
    k: int = 4
    window: int = 200
    n_records: int = 160
    batch_size: int = 16
    embed: int = 16
    filters: int = 24
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 11
    arch: str = "kmer-cnn"


ARCHS: Dict[str, Callable[[EnhancerSettings], nn.Module]] = {}


def arch(name: str):
    def put(fn):
        ARCHS[name] = fn
        return fn
    return put


def write_fasta(path: str, cfg: EnhancerSettings) -> None:
    rng = random.Random(cfg.seed)
    with open(path, "w") as fh:
        for i in range(cfg.n_records):
            seq = [rng.choice("ACGT") for _ in range(cfg.window)]
            label = int(rng.random() < 0.5)
            if label:
                pos = rng.randrange(0, cfg.window - len(MOTIF))
                seq[pos:pos + len(MOTIF)] = MOTIF
            start = rng.randrange(0, cfg.window - 40)
            if rng.random() < 0.3:
                for j in range(start, start + rng.randint(15, 40)):
                    seq[j] = seq[j].lower()
            if rng.random() < 0.08:
                gap = "N" if rng.random() < 0.5 else "n"
                for j in range(start + 5, start + 15):
                    seq[j] = gap
            text = "".join(seq)
            fh.write(f">chr{1 + i % 22}:{10_000 + i * 500}-{10_000 + i * 500 + cfg.window}|enh={label}\n")
            for off in range(0, len(text), 60):
                fh.write(text[off:off + 60] + "\n")


def read_fasta(path: str) -> Iterator[Tuple[str, str]]:
    header, chunks = None, []
    with open(path) as fh:
        for line in fh:
            line = line.rstrip()
            if line.startswith(">"):
                if header is not None:
                    yield header, "".join(chunks)
                header, chunks = line[1:], []
            elif line:
                chunks.append(line)
    if header is not None:
        yield header, "".join(chunks)


def load_windows(cfg: EnhancerSettings) -> List[Tuple[str, float]]:
    kept = []
    for header, seq in read_fasta(cfg.fasta):
        if "N" in seq:
            continue
        label = float(header.rsplit("|enh=", 1)[1])
        kept.append((seq, label))
    print(f"kept {len(kept)} gap-free windows")
    return kept


def kmer_ids(seq: str, k: int) -> List[int]:
    codes = [BASE_INDEX[Base(ch)] for ch in seq.upper()]
    ids = []
    for i in range(len(codes) - k + 1):
        value = 0
        for c in codes[i:i + k]:
            value = value * 4 + c
        ids.append(value)
    return ids


class WindowDataset(Dataset):
    def __init__(self, windows: List[Tuple[str, float]], k: int):
        self.windows = windows
        self.k = k

    def __len__(self) -> int:
        return len(self.windows)

    def __getitem__(self, i: int) -> Tuple[torch.Tensor, torch.Tensor]:
        seq, y = self.windows[i]
        return torch.tensor(kmer_ids(seq, self.k)), torch.tensor(y)


@arch("kmer-cnn")
def kmer_cnn(cfg: EnhancerSettings) -> nn.Module:
    class KmerCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(4 ** cfg.k, cfg.embed)
            self.conv = nn.Conv1d(cfg.embed, cfg.filters, kernel_size=9, padding=4)
            self.out = nn.Linear(cfg.filters, 1)

        def forward(self, ids: torch.Tensor) -> torch.Tensor:
            h = torch.relu(self.conv(self.emb(ids).transpose(1, 2)))
            return self.out(h.amax(dim=-1)).squeeze(-1)
    return KmerCNN()


def fit(cfg: EnhancerSettings) -> None:
    torch.manual_seed(cfg.seed)
    windows = load_windows(cfg)
    loader = DataLoader(WindowDataset(windows, cfg.k), batch_size=cfg.batch_size, shuffle=True)
    net = ARCHS[cfg.arch](cfg)
    opt = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for ep in range(cfg.epochs):
        total, seen = 0.0, 0
        for ids, y in loader:
            loss = loss_fn(net(ids), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * y.numel()
            seen += y.numel()
        print(f"epoch {ep}: bce {total / seen:.4f}")


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    settings = EnhancerSettings(fasta=os.path.join(here, "windows.fa"))
    write_fasta(settings.fasta, settings)
    try:
        fit(settings)
    finally:
        os.remove(settings.fasta)
