"""Dangerous-goods screening for container manifest lines.

Each manifest line is tagged with domain markers ([REEFER], [IMO], [OOG]) before encoding and classified
into a handling class for the stowage planner.
"""
from __future__ import annotations

import functools
import os
import tempfile
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Tuple

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HANDLING = ("general", "hazmat", "temperature_controlled")
DOMAIN_MARKERS = ["[REEFER]", "[IMO]", "[OOG]"]

MANIFEST: List[Tuple[str, str]] = [
    ("[IMO] lithium ion batteries packed with equipment class 9", "hazmat"),
    ("[REEFER] frozen shrimp set point minus eighteen", "temperature_controlled"),
    ("cotton yarn on pallets shrink wrapped", "general"),
    ("[IMO] paint flammable liquid class 3 in drums", "hazmat"),
    ("[REEFER] chilled bananas set point thirteen", "temperature_controlled"),
    ("[OOG] excavator on flat rack lashed", "general"),
    ("ceramic tiles in cartons", "general"),
    ("[IMO] calcium hypochlorite oxidizer class 5", "hazmat"),
]


@dataclass
class ScreeningConfig:
    """Settings for the manifest screening model."""

    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_positions: int = 64
    batch_size: int = 4
    epochs: int = 3
    lr: float = 5e-4
    seed: int = 11


class ManifestDataModule:
    """Owns the tokenizer and turns manifest lines into model-ready batches."""

    BASE_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    def __init__(self, cfg: ScreeningConfig, rows: Sequence[Tuple[str, str]]) -> None:
        self.cfg = cfg
        self.rows = list(rows)
        self.tokenizer = self._make_tokenizer()

    def _make_tokenizer(self) -> BertTokenizer:
        plain = [t for text, _ in self.rows for t in text.split() if t not in DOMAIN_MARKERS]
        vocab_path = os.path.join(tempfile.mkdtemp(prefix="manifest_"), "vocab.txt")
        with open(vocab_path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(self.BASE_SPECIALS + sorted(set(plain))) + "\n")
        tok = BertTokenizer(vocab_path, do_lower_case=True)
        added = tok.add_tokens(DOMAIN_MARKERS, special_tokens=True)
        print(f"[data] base vocab ready, {added} domain markers registered")
        return tok

    @staticmethod
    def _collate(tok: BertTokenizer, chunk: List[Tuple[str, str]]) -> Dict[str, torch.Tensor]:
        enc = tok([t for t, _ in chunk], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([HANDLING.index(h) for _, h in chunk])
        return dict(enc)

    def train_batches(self) -> Iterable[Dict[str, torch.Tensor]]:
        collate = functools.partial(self._collate, self.tokenizer)
        for i in range(0, len(self.rows), self.cfg.batch_size):
            yield collate(self.rows[i:i + self.cfg.batch_size])


class ManifestScreener(torch.nn.Module):
    """Thin wrapper around a randomly initialised BertForSequenceClassification."""

    def __init__(self, cfg: ScreeningConfig, vocab_size: int) -> None:
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden,
            num_hidden_layers=cfg.layers,
            num_attention_heads=cfg.heads,
            intermediate_size=cfg.ffn,
            max_position_embeddings=cfg.max_positions,
            num_labels=len(HANDLING),
        )
        self.bert = BertForSequenceClassification(bert_cfg)

    def forward(self, **batch: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        out = self.bert(**batch)
        return out.loss, out.logits


def train(cfg: ScreeningConfig) -> ManifestScreener:
    """Run a short fine-tuning loop and report accuracy on the training lines."""
    torch.manual_seed(cfg.seed)
    dm = ManifestDataModule(cfg, MANIFEST)
    model = ManifestScreener(cfg, vocab_size=len(dm.tokenizer))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    model.train()
    for epoch in range(1, cfg.epochs + 1):
        total, hits, seen = 0.0, 0, 0
        for batch in dm.train_batches():
            loss, logits = model(**batch)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            hits += (F.softmax(logits, -1).argmax(-1) == batch["labels"]).sum().item()
            seen += len(batch["labels"])
        print(f"epoch {epoch}: loss={total:.3f} acc={hits / seen:.2f}")
    return model


if __name__ == "__main__":
    train(ScreeningConfig())
