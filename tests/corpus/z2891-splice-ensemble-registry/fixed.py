"""splicekit: k-mer models for donor splice-site detection, single models and an averaged ensemble."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel, BertTokenizer


class Nucleotide(Enum):
    A = "A"
    C = "C"
    G = "G"
    T = "T"


ModelFactory = Callable[["SpliceConfig", int], nn.Module]
FACTORIES: Dict[str, ModelFactory] = {}


def register_model(name: str) -> Callable[[ModelFactory], ModelFactory]:
    def decorator(factory: ModelFactory) -> ModelFactory:
        if name in FACTORIES:
            raise ValueError(f"duplicate model name {name!r}")
        FACTORIES[name] = factory
        return factory
    return decorator


@dataclass
class SpliceConfig:
    k: int = 3
    window: int = 60
    n_seqs: int = 256
    hidden: int = 32
    batch_size: int = 32
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 2024
    model: str = "ensemble"


def kmer_vocab_lines(k: int) -> List[str]:
    kmers = ["".join(p) for p in itertools.product([n.value for n in Nucleotide], repeat=k)]
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + kmers


def to_kmers(seq: str, k: int) -> str:
    return " ".join(seq[i:i + k] for i in range(len(seq) - k + 1))


def simulate(cfg: SpliceConfig, rng: np.random.Generator) -> tuple[List[str], np.ndarray]:
    letters = np.array([n.value for n in Nucleotide])
    labels = rng.integers(0, 2, size=cfg.n_seqs)
    seqs = []
    mid = cfg.window // 2
    for y in labels:
        s = letters[rng.integers(0, 4, size=cfg.window)]
        if y == 1:
            s[mid - 2: mid + 4] = list("AGGTRA".replace("R", rng.choice(["A", "G"])))
        seqs.append("".join(s))
    return seqs, labels.astype(np.float32)


class KmerCNN(nn.Module):
    def __init__(self, vocab_size: int, hidden: int) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.conv = nn.Sequential(
            nn.Conv1d(hidden, hidden, 7, padding=3), nn.ReLU(),
            nn.AdaptiveMaxPool1d(1),
        )
        self.out = nn.Linear(hidden, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        x = self.emb(input_ids).transpose(1, 2)
        return self.out(self.conv(x).squeeze(-1)).squeeze(-1)


class KmerBert(nn.Module):
    def __init__(self, vocab_size: int, hidden: int, max_tokens: int) -> None:
        super().__init__()
        conf = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=2 * hidden,
                          max_position_embeddings=max_tokens)
        self.encoder = BertModel(conf, add_pooling_layer=False)
        self.out = nn.Linear(hidden, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.out(h[:, 0]).squeeze(-1)


class MeanEnsemble(nn.Module):
    def __init__(self, members: List[nn.Module]) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return torch.stack([m(input_ids, attention_mask) for m in self.members]).mean(0)


@register_model("kmer_cnn")
def kmer_cnn(cfg: SpliceConfig, vocab_size: int) -> nn.Module:
    return KmerCNN(vocab_size, cfg.hidden)


@register_model("kmer_bert")
def kmer_bert(cfg: SpliceConfig, vocab_size: int) -> nn.Module:
    return KmerBert(vocab_size, cfg.hidden, max_tokens=cfg.window + 8)


@register_model("ensemble")
def ensemble(cfg: SpliceConfig, vocab_size: int) -> nn.Module:
    return MeanEnsemble([kmer_cnn(cfg, vocab_size), kmer_bert(cfg, vocab_size)])


def main(cfg: SpliceConfig) -> None:
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    vocab_path = Path(__file__).with_name(f"dna_{cfg.k}mer_vocab.txt")
    vocab_path.write_text("\n".join(kmer_vocab_lines(cfg.k)) + "\n")
    tokenizer = BertTokenizer(str(vocab_path), do_lower_case=False)
    vocab_path.unlink()

    seqs, labels = simulate(cfg, rng)
    enc = tokenizer([to_kmers(s, cfg.k) for s in seqs], padding="max_length",
                    max_length=cfg.window, truncation=True, return_tensors="pt")
    data = TensorDataset(enc["input_ids"], enc["attention_mask"], torch.from_numpy(labels))
    loader = DataLoader(data, batch_size=cfg.batch_size, shuffle=True)

    model = FACTORIES[cfg.model](cfg, tokenizer.vocab_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    criterion = nn.BCEWithLogitsLoss()
    for epoch in range(cfg.epochs):
        running = []
        for ids, mask, y in loader:
            optimizer.zero_grad()
            loss = criterion(model(ids, mask), y)
            loss.backward()
            optimizer.step()
            running.append(loss.item())
        print(f"epoch {epoch}: mean loss {np.mean(running):.4f}")


if __name__ == "__main__":
    main(SpliceConfig())
