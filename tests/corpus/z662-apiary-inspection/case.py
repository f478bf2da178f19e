"""Triage beekeepers' hive inspection notes into follow-up categories.

0 = healthy, 1 = queen problem, 2 = disease / pest suspected.
Small BERT classifier trained with Lightning on CPU for the regional bee inspector.
"""
from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from typing import Iterator

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

log = logging.getLogger("hive_triage")
logging.basicConfig(level=logging.INFO, format="[%(name)s] %(message)s")


def inspection_notes() -> Iterator[tuple[str, int]]:
    yield "brood pattern solid eggs seen queen marked and laying stores good", 0
    yield "no eggs no young larvae queen not seen two queen cells on frame four", 1
    yield "calm colony plenty of pollen and capped honey supers added", 0
    yield "spotty brood sunken cappings with perforations ropey test positive sample sent", 2
    yield "varroa drop count high after sugar roll deformed wings on several workers", 2
    yield ("long inspection after swarm season colony was defensive and running on the combs "
           "checked every frame in both brood boxes found no eggs and no open larvae only capped "
           "drone brood scattered across the middle frames several drones emerging from worker "
           "cells suggesting laying workers three emergency queen cells torn down on frame six "
           "stores are light so fed syrup and reduced the entrance will combine with a queenright "
           "nucleus next week if no mated queen is found at the following inspection"), 1
    yield "queen seen healthy brood on seven frames gentle temperament", 0
    yield "chalkbrood mummies on landing board and in cells small hive beetle larvae in tray", 2


@dataclass
class TriageConfig:
    hidden_size: int = 32
    layers: int = 1
    heads: int = 2
    max_tokens: int = 64
    num_classes: int = 3
    batch_size: int = 4
    lr: float = 5e-4
    seed: int = 3


def write_vocab(texts: list[str]) -> str:
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="hive_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(tok + "\n" for tok in vocab)
    return path


class NoteCollator:
    def __init__(self, tokenizer: BertTokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, rows: list[tuple[str, int]]) -> dict[str, torch.Tensor]:
        texts, targets = zip(*rows)
        enc = self.tokenizer(list(texts), padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor(targets, dtype=torch.long)
        return dict(enc)


class HiveTriageModule(L.LightningModule):
    def __init__(self, cfg: TriageConfig, vocab_size: int) -> None:
        super().__init__()
        self.cfg = cfg
        self.net = BertForSequenceClassification(
            BertConfig(
                vocab_size=vocab_size,
                hidden_size=cfg.hidden_size,
                num_hidden_layers=cfg.layers,
                num_attention_heads=cfg.heads,
                intermediate_size=4 * cfg.hidden_size,
                max_position_embeddings=cfg.max_tokens,
                num_labels=cfg.num_classes,
            )
        )

    def training_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> torch.Tensor:
        out = self.net(**batch)
        self.log("train_loss", out.loss, batch_size=batch["labels"].shape[0])
        return out.loss

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def main() -> None:
    cfg = TriageConfig()
    L.seed_everything(cfg.seed, verbose=False)
    notes = list(inspection_notes())
    tokenizer = BertTokenizer(write_vocab([t for t, _ in notes]))
    log.info("%d notes, vocab of %d word pieces", len(notes), tokenizer.vocab_size)

    loader = DataLoader(notes, batch_size=cfg.batch_size, shuffle=False, collate_fn=NoteCollator(tokenizer))
    module = HiveTriageModule(cfg, tokenizer.vocab_size)
    trainer = L.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
    )
    trainer.fit(module, train_dataloaders=loader)
    log.info("trained %d steps", trainer.global_step)


if __name__ == "__main__":
    main()
