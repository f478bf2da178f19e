"""ETL job: tag brewhouse log entries and fit a small triage classifier (ok / stuck ferment / infection)."""
from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
from typing import Callable, Dict, Iterator, List, Tuple

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(name)s] %(message)s")
logger = logging.getLogger("brew_triage")

MAX_TOKENS: int = int(os.environ.get("MAX_TOKENS", "24"))
BATCH_SIZE: int = int(os.environ.get("BATCH_SIZE", "3"))
EPOCHS: int = int(os.environ.get("EPOCHS", "2"))
LR: float = float(os.environ.get("LR", "5e-4"))

RAW_LOG: List[Tuple[str, int]] = [
    ("batch 114 og 1052 fg 1012 clean aroma", 0),
    ("batch 115 og 1060 fg 1040 no airlock activity", 1),
    ("batch 116 og 1048 fg 1010 sour smell film on top", 2),
    ("batch 117 og 1055 fg 1011 clean aroma hops bright", 0),
    ("batch 118 og 1064 fg 1045 yeast dropped early", 1),
    ("batch 119 og 1050 fg 1008 ropey texture sour smell", 2),
]
READING_MARKERS: List[str] = ["<og>", "<fg>"]
BASE_WORDS: List[str] = sorted({w for text, _ in RAW_LOG for w in text.split() if not w.isdigit()})

Record = Dict[str, object]
Stage = Callable[[List[Record]], List[Record]]
Pipeline = List[Stage]


def write_vocab() -> str:
    folder = tempfile.mkdtemp(prefix="brew_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS) + "\n")
    return path


class TagReadings:
    """Replace 'og 1052' style gravity readings with marker tokens so the model sees them as units."""

    pattern = re.compile(r"\b(og|fg) (\d{4})\b")

    def __call__(self, rows: List[Record]) -> List[Record]:
        for row in rows:
            row["text"] = self.pattern.sub(lambda m: f"<{m.group(1)}> {m.group(2)}", str(row["text"]))
        return rows


class Encode:
    def __init__(self, encode_fn: Callable[..., Dict[str, torch.Tensor]]) -> None:
        self.encode_fn = encode_fn

    def __call__(self, rows: List[Record]) -> List[Record]:
        for row in rows:
            enc = self.encode_fn(str(row["text"]))
            row["tok"] = enc["input_ids"][0]
            row["seg"] = enc["attention_mask"][0]
        logger.info("encoded %d rows", len(rows))
        return rows


def batches(rows: List[Record], size: int) -> Iterator[Dict[str, torch.Tensor]]:
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        yield {
            "input_ids": torch.stack([r["tok"] for r in chunk]),
            "attention_mask": torch.stack([r["seg"] for r in chunk]),
            "labels": torch.tensor([int(r["label"]) for r in chunk]),
        }


class Train:
    def __init__(self, model: BertForSequenceClassification) -> None:
        self.model = model
        self.optim = torch.optim.AdamW(model.parameters(), lr=LR)

    def __call__(self, rows: List[Record]) -> List[Record]:
        self.model.train()
        for epoch in range(EPOCHS):
            running = 0.0
            for feed in batches(rows, BATCH_SIZE):
                loss = self.model(**feed).loss
                loss.backward()
                self.optim.step()
                self.optim.zero_grad()
                running += loss.item()
            logger.info("epoch %d loss %.4f", epoch, running)
        return rows


def run_job() -> None:
    torch.manual_seed(11)
    tokenizer = BertTokenizer(write_vocab())
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, num_labels=3,
    )
    model = BertForSequenceClassification(cfg)
    added = tokenizer.add_tokens(READING_MARKERS)
    logger.info("added %d marker tokens, tokenizer size now %d", added, len(tokenizer))

    encode_fn = functools.partial(tokenizer, padding="max_length", truncation=True,
                                  max_length=MAX_TOKENS, return_tensors="pt")
    pipeline: Pipeline = [TagReadings(), Encode(encode_fn), Train(model)]

    rows: List[Record] = [{"text": text, "label": label} for text, label in RAW_LOG]
    for stage in pipeline:
        logger.info("stage -> %s", stage.__class__.__name__)
        rows = stage(rows)
    logger.info("triage model trained on %d log entries", len(rows))


if __name__ == "__main__":
    run_job()
