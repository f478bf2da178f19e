"""Swarm-risk scoring for hive inspection notes, streamed apiary by apiary.

Notes come in from the field app as (apiary, hive, free text). We tokenize them
lazily, cut them into small per-apiary batches and push them through a small
BERT classifier (random init for now, the real weights live on the NAS).
"""
import itertools
import logging
import os
import tempfile
import time
from collections import deque
from typing import Iterator, List, NamedTuple, Tuple

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("apiary")
torch.manual_seed(7)

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "queen", "cells", "capped", "brood",
    "drone", "frames", "honey", "pollen", "swarm", "supersedure", "eggs", "larvae", "no",
    "seen", "found", "heavy", "light", "strong", "weak", "colony", "added", "super",
    "varroa", "mites", "low", "high", "count", "calm", "defensive", "queenless", "laying",
    "worker", "spotty", "pattern", "good", "two", "three", "on", "of", "with", "and",
]

FIELD_NOTES = [
    ("north-yard", "H01", "Queen seen laying good pattern"),
    ("north-yard", "H02", "Swarm cells capped on three frames"),
    ("north-yard", "H03", "No eggs no larvae queenless"),
    ("north-yard", "H04", "Heavy honey added super"),
    ("north-yard", "H05", "Varroa count high spotty brood pattern"),
    ("orchard", "H11", "Calm colony"),
    ("orchard", "H12", "Supersedure cells found with eggs and larvae"),
    ("orchard", "H13", "Drone brood heavy varroa mites high"),
    ("orchard", "H14", "Light pollen weak colony"),
]
RISK_LABELS = ["low", "watch", "swarm-imminent"]
BATCH_SIZE = 4


class Note(NamedTuple):
    apiary: str
    hive: str
    text: str


class EncodedNote(NamedTuple):
    apiary: str
    hive: str
    token_ids: List[int]


class Stopwatch:
    def __init__(self, label: str):
        self.label = label
        self.elapsed = 0.0

    def __enter__(self):
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.elapsed = time.perf_counter() - self._t0
        log.info("%s: %.3fs", self.label, self.elapsed)
        return False


def build_tokenizer() -> BertTokenizer:
    vocab_dir = tempfile.mkdtemp(prefix="apiary_vocab_")
    vocab_path = os.path.join(vocab_dir, "vocab.txt")
    with open(vocab_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(vocab_path)


def read_notes(rows) -> Iterator[Note]:
    for apiary, hive, text in rows:
        yield Note(apiary, hive, " ".join(text.lower().split()))


def encode_notes(notes: Iterator[Note], tok: BertTokenizer) -> Iterator[EncodedNote]:
    for note in notes:
        yield EncodedNote(note.apiary, note.hive, tok.encode(note.text, add_special_tokens=True))


def per_apiary_batches(encoded: Iterator[EncodedNote], size: int) -> Iterator[Tuple[str, List[EncodedNote]]]:
    for apiary, group in itertools.groupby(encoded, key=lambda e: e.apiary):
        while True:
            chunk = list(itertools.islice(group, size))
            if not chunk:
                break
            yield apiary, chunk


def to_tensors(chunk: List[EncodedNote]) -> dict:
    ids = torch.tensor([e.token_ids for e in chunk], dtype=torch.long)
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}


def main():
    tok = build_tokenizer()
    config = BertConfig(
        vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, num_labels=len(RISK_LABELS),
    )
    model = BertForSequenceClassification(config).eval()
    log.info("model ready, %d params", sum(p.numel() for p in model.parameters()))

    stream = per_apiary_batches(encode_notes(read_notes(FIELD_NOTES), tok), BATCH_SIZE)
    # keep the last couple of batches around for the end-of-run summary
    recent = deque(maxlen=2)
    scored = 0
    with Stopwatch("whole run"):
        for apiary, chunk in stream:
            with Stopwatch(f"{apiary} x{len(chunk)}"):
                batch = to_tensors(chunk)
                with torch.no_grad():
                    probs = model(**batch).logits.softmax(dim=-1)
            for rec, row in zip(chunk, probs):
                risk = RISK_LABELS[int(row.argmax())]
                print(f"{apiary:>10} {rec.hive}: {risk:<15} p={row.max():.2f}")
            recent.append((apiary, len(chunk)))
            scored += len(chunk)
    log.info("scored %d notes, last batches: %s", scored, list(recent))


if __name__ == "__main__":
    main()
