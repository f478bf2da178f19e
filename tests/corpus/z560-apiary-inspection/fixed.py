"""Hive inspection triage: classify beekeepers' field notes into colony status.

Small self-contained training entry point used by the apiary-notes project.
Layout: ``TriageConfig`` -> ``HiveNotesDataModule`` -> ``HiveStatusClassifier`` -> ``train()``.
"""
from __future__ import annotations

import logging
import os
import random
import tempfile
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Tuple

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

log = logging.getLogger("apiary.triage")

STATUSES = ["healthy", "queenless", "swarm_prep"]
NOTES: List[Tuple[str, str]] = [
    ("capped brood in a solid pattern, queen seen on frame four", "healthy"),
    ("no eggs no larvae, workers roaring when lid opened", "queenless"),
    ("several queen cells along the bottom bars, brood nest backfilled with nectar", "swarm_prep"),
    ("calm colony, fresh eggs, pollen coming in", "healthy"),
    ("laying workers suspected, multiple eggs per cell", "queenless"),
    ("crowded boxes and queen cups charged", "swarm_prep"),
    ("good temper, brood on seven frames", "healthy"),
    ("queen cells capped, bees bearding at the entrance", "swarm_prep"),
]


@dataclass
class TriageConfig:
    """Hyper-parameters for the triage model and its tokenizer."""

    max_seq_len: int = 32
    batch_size: int = 4
    epochs: int = 2
    lr: float = 3e-4
    hidden_size: int = 32
    seed: int = 7
    specials: List[str] = field(default_factory=lambda: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])


def build_tokenizer(cfg: TriageConfig) -> BertTokenizer:
    """Write a word-level vocab from the notes and load a BertTokenizer on it."""
    words = sorted({w for text, _ in NOTES for w in text.replace(",", " ,").split()})
    vocab_dir = tempfile.mkdtemp(prefix="apiary_vocab_")
    vocab_path = os.path.join(vocab_dir, "vocab.txt")
    with open(vocab_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(cfg.specials + words) + "\n")
    return BertTokenizer(vocab_path)


class HiveNotesDataModule:
    """Tokenizes inspection notes and yields padded mini-batches."""

    def __init__(self, cfg: TriageConfig, tokenizer: BertTokenizer) -> None:
        self.cfg = cfg
        self.tok = tokenizer
        self.records = [
            {"ids": tokenizer.encode(text, truncation=True, max_length=cfg.max_seq_len),
             "status": STATUSES.index(status)}
            for text, status in NOTES
        ]

    def collate(self, rows: List[Dict]) -> Dict[str, torch.Tensor]:
        # pad to the longest note in the batch, keeps CPU runs cheap
        longest = max(len(r["ids"]) for r in rows)
        token_grid = torch.full((len(rows), longest), self.tok.pad_token_id, dtype=torch.long)
        visible = torch.zeros(len(rows), longest, dtype=torch.long)
        for i, r in enumerate(rows):
            n = len(r["ids"])
            token_grid[i, :n] = torch.tensor(r["ids"])
            visible[i, :n] = 1
        status = torch.tensor([r["status"] for r in rows])
        return {"input_ids": token_grid, "attention_mask": visible, "status": status}

    def batches(self) -> Iterator[Dict[str, torch.Tensor]]:
        order = list(range(len(self.records)))
        random.shuffle(order)
        for start in range(0, len(order), self.cfg.batch_size):
            yield self.collate([self.records[j] for j in order[start:start + self.cfg.batch_size]])


class HiveStatusClassifier(nn.Module):
    """Tiny BERT encoder with a linear head on the [CLS] position."""

    def __init__(self, cfg: TriageConfig, vocab_size: int) -> None:
        super().__init__()
        enc_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden_size, num_hidden_layers=1,
                             num_attention_heads=2, intermediate_size=64,
                             max_position_embeddings=cfg.max_seq_len)
        self.encoder = BertModel(enc_cfg)
        self.head = nn.Linear(cfg.hidden_size, len(STATUSES))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0])


def train(cfg: TriageConfig) -> HiveStatusClassifier:
    """Fit the classifier on the inline notes and return it."""
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    tokenizer = build_tokenizer(cfg)
    data = HiveNotesDataModule(cfg, tokenizer)
    model = HiveStatusClassifier(cfg, vocab_size=len(tokenizer))
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cfg.epochs):
        running = 0.0
        for batch in data.batches():
            target = batch.pop("status")
            logits = model(**batch)
            loss = loss_fn(logits, target)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        log.info("epoch %d loss %.4f", epoch, running)
    return model


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    train(TriageConfig())
    print("done")
