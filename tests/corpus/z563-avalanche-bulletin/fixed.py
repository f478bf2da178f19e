"""Avalanche bulletin danger-level tagger.

Reads the free-text snowpack summary of a regional bulletin and predicts the published danger level
(1 low .. 4 high). Word-level BiGRU encoder; bulletins are short, so the final hidden states are used.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Tuple

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader

BULLETINS: List[Tuple[str, int]] = [
    ("well bonded snowpack, isolated wind slabs on steep ridgelines", 1),
    ("fresh wind slabs on lee slopes above treeline, natural releases unlikely", 2),
    ("buried surface hoar reactive in tests, remote triggering reported", 3),
    ("heavy snowfall and strong winds, widespread natural avalanches expected", 4),
    ("stable conditions, small loose wet releases in the afternoon sun", 1),
    ("persistent weak layer near the ground, whumpfing observed", 3),
    ("moderate wind loading on north aspects, skier triggering possible", 2),
    ("rain on snow, large wet slabs releasing naturally", 4),
]


@dataclass
class TaggerConfig:
    """Encoder sizes and training schedule."""

    embed_dim: int = 24
    rnn_hidden: int = 24
    num_levels: int = 4
    batch_size: int = 4
    epochs: int = 4
    lr: float = 3e-3
    seed: int = 5


class BulletinDataModule:
    """Builds a word vocabulary and a DataLoader over (ids, level) pairs."""

    PAD, UNK = "<pad>", "<unk>"

    def __init__(self, cfg: TaggerConfig, rows: List[Tuple[str, int]]) -> None:
        self.cfg = cfg
        counts = Counter(w for text, _ in rows for w in self.split(text))
        self.itos = [self.PAD, self.UNK] + sorted(counts)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.samples = [(self.numericalize(t), lvl - 1) for t, lvl in rows]

    @staticmethod
    def split(text: str) -> List[str]:
        return text.lower().replace(",", " ").split()

    def numericalize(self, text: str) -> torch.Tensor:
        return torch.tensor([self.stoi.get(w, 1) for w in self.split(text)], dtype=torch.long)

    def collate(self, items: List[Tuple[torch.Tensor, int]]) -> Dict[str, torch.Tensor]:
        seqs, levels = zip(*items)
        return {
            "words": pad_sequence(list(seqs), batch_first=True, padding_value=0),
            "lengths": torch.tensor([len(s) for s in seqs]),
            "level": torch.tensor(levels),
        }

    def loader(self) -> DataLoader:
        return DataLoader(self.samples, batch_size=self.cfg.batch_size, shuffle=True, collate_fn=self.collate)


class DangerLevelTagger(nn.Module):
    """Embedding -> bidirectional GRU -> linear head over the last forward/backward states."""

    def __init__(self, cfg: TaggerConfig, vocab_size: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, cfg.embed_dim, padding_idx=0)
        self.rnn = nn.GRU(cfg.embed_dim, cfg.rnn_hidden, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(2 * cfg.rnn_hidden, cfg.num_levels)

    def forward(self, words: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = pack_padded_sequence(self.embed(words), lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(packed)
        summary = torch.cat([h_n[-2], h_n[-1]], dim=-1)
        return self.classifier(self.dropout(summary))


def train(cfg: TaggerConfig) -> DangerLevelTagger:
    """Train on the inline bulletins; prints per-epoch loss and accuracy."""
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    dm = BulletinDataModule(cfg, BULLETINS)
    tagger = DangerLevelTagger(cfg, vocab_size=len(dm.itos))
    optimizer = torch.optim.Adam(tagger.parameters(), lr=cfg.lr)
    print(f"vocab={len(dm.itos)} bulletins={len(dm.samples)}")
    for epoch in range(cfg.epochs):
        tagger.train()
        losses, correct = [], 0
        for batch in dm.loader():
            logits = tagger(batch["words"], batch["lengths"])
            loss = nn.functional.cross_entropy(logits, batch["level"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            correct += int((logits.argmax(1) == batch["level"]).sum())
        print(f"epoch {epoch}: loss {sum(losses) / len(losses):.3f}  acc {correct / len(dm.samples):.2f}")
    return tagger


if __name__ == "__main__":
    train(TaggerConfig())
