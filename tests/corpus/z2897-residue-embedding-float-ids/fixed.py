"""Per-protein solubility predictor: residue embeddings -> dilated CNN -> pooled logit."""
from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class Residue(Enum):
    PAD = "-"
    A = "A"; C = "C"; D = "D"; E = "E"; F = "F"
    G = "G"; H = "H"; I = "I"; K = "K"; L = "L"
    M = "M"; N = "N"; P = "P"; Q = "Q"; R = "R"
    S = "S"; T = "T"; V = "V"; W = "W"; Y = "Y"
    X = "X"


RES_TO_IDX: Dict[str, int] = {r.value: i for i, r in enumerate(Residue)}
AMINO_ACIDS: str = "".join(r.value for r in Residue if r not in (Residue.PAD, Residue.X))
KYTE_DOOLITTLE: Dict[str, float] = {
    "A": 1.8, "C": 2.5, "D": -3.5, "E": -3.5, "F": 2.8, "G": -0.4, "H": -3.2,
    "I": 4.5, "K": -3.9, "L": 3.8, "M": 1.9, "N": -3.5, "P": -1.6, "Q": -3.5,
    "R": -4.5, "S": -0.8, "T": -0.7, "V": 4.2, "W": -0.9, "Y": -1.3,
}

BUILDERS: Dict[str, Callable[["Settings"], nn.Module]] = {}


def builder(name: str):
    def deco(fn: Callable[["Settings"], nn.Module]):
        BUILDERS[name] = fn
        return fn
    return deco


@dataclass(frozen=True)
class Settings:
    max_len: int = 120
    n_proteins: int = 200
    emb_dim: int = 24
    channels: int = 32
    batch_size: int = 32
    epochs: int = 3
    lr: float = 1e-3
    model: str = "dilated_cnn"
    seed: int = 7


def random_proteins(n: int, rng: random.Random) -> List[str]:
    return ["".join(rng.choice(AMINO_ACIDS) for _ in range(rng.randint(40, 140))) for _ in range(n)]


def gravy(seq: str) -> float:
    return sum(KYTE_DOOLITTLE.get(aa, 0.0) for aa in seq) / max(len(seq), 1)


def encode(seqs: Sequence[str], max_len: int) -> Tuple[np.ndarray, np.ndarray]:
    ids = np.zeros((len(seqs), max_len), dtype=np.int64)
    lengths = np.zeros(len(seqs), dtype=np.int64)
    for row, seq in enumerate(seqs):
        seq = seq[:max_len]
        ids[row, : len(seq)] = [RES_TO_IDX.get(aa, RES_TO_IDX["X"]) for aa in seq]
        lengths[row] = len(seq)
    return ids, lengths


class MaskedMeanPool(nn.Module):
    def forward(self, h: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(h.size(1), device=h.device)[None, :]
        keep = (pos < lengths[:, None]).unsqueeze(-1).to(h.dtype)
        return (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)


class DilatedCNN(nn.Module):
    def __init__(self, cfg: Settings):
        super().__init__()
        self.embed = nn.Embedding(len(Residue), cfg.emb_dim, padding_idx=RES_TO_IDX["-"])
        layers: List[nn.Module] = []
        in_ch = cfg.emb_dim
        for dilation in (1, 2, 4):
            layers += [nn.Conv1d(in_ch, cfg.channels, 3, padding=dilation, dilation=dilation), nn.GELU()]
            in_ch = cfg.channels
        self.convs = nn.Sequential(*layers)
        self.pool = MaskedMeanPool()
        self.head = nn.Linear(cfg.channels, 1)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        h = self.embed(ids).transpose(1, 2)
        h = self.convs(h).transpose(1, 2)
        return self.head(self.pool(h, lengths)).squeeze(-1)


@builder("dilated_cnn")
def build_dilated_cnn(cfg: Settings) -> nn.Module:
    return DilatedCNN(cfg)


@builder("bag_of_residues")
def build_bag(cfg: Settings) -> nn.Module:
    return nn.Sequential(nn.EmbeddingBag(len(Residue), 1, mode="mean"))


def make_loaders(cfg: Settings) -> Tuple[DataLoader, DataLoader]:
    rng = random.Random(cfg.seed)
    proteins = random_proteins(cfg.n_proteins, rng)
    soluble = np.array([gravy(p) < -0.45 for p in proteins], dtype=np.float32)
    ids, lengths = encode(proteins, cfg.max_len)
    split = int(0.8 * len(proteins))
    tensors = (torch.from_numpy(ids), torch.from_numpy(lengths), torch.from_numpy(soluble))
    train_ds = TensorDataset(*(t[:split] for t in tensors))
    val_ds = TensorDataset(*(t[split:] for t in tensors))
    return (
        DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True),
        DataLoader(val_ds, batch_size=cfg.batch_size),
    )


@torch.no_grad()
def evaluate(model: nn.Module, loader: DataLoader) -> float:
    model.eval()
    hits, total = 0, 0
    for ids, lengths, y in loader:
        pred = (model(ids, lengths) > 0).float()
        hits += int((pred == y).sum())
        total += y.numel()
    return hits / max(total, 1)


def main(cfg: Settings) -> None:
    torch.manual_seed(cfg.seed)
    train_dl, val_dl = make_loaders(cfg)
    model = BUILDERS[cfg.model](cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(cfg.epochs):
        model.train()
        for ids, lengths, y in train_dl:
            loss = loss_fn(model(ids, lengths), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: loss={loss.item():.4f} val_acc={evaluate(model, val_dl):.3f}")


if __name__ == "__main__":
    main(Settings())
