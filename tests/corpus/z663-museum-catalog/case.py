"""Catalogue-record similarity for de-duplicating a museum collection database.

Records are flattened to "[OBJ] ... [MAKER] ... [PERIOD] ..." strings and a small
sentence-transformers bi-encoder is tuned so that records of the same object
(entered twice by different registrars) land close together.
"""
from __future__ import annotations

import logging
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s | %(name)s | %(message)s")
log = logging.getLogger("catalog_dedup")

FIELD_MARKERS = ["[OBJ]", "[MAKER]", "[PERIOD]"]

RECORD_PAIRS: list[tuple[dict[str, str], dict[str, str], float]] = [
    ({"obj": "bronze ewer with lion handle", "maker": "unknown", "period": "12th century"},
     {"obj": "ewer bronze lion shaped handle", "maker": "unknown workshop", "period": "12th century"}, 1.0),
    ({"obj": "lacquered writing box", "maker": "kajikawa family", "period": "edo period"},
     {"obj": "writing box lacquer with gold", "maker": "kajikawa", "period": "edo"}, 1.0),
    ({"obj": "bronze ewer with lion handle", "maker": "unknown", "period": "12th century"},
     {"obj": "lacquered writing box", "maker": "kajikawa family", "period": "edo period"}, 0.0),
    ({"obj": "silver tea caddy", "maker": "hester bateman", "period": "1785"},
     {"obj": "tea caddy silver oval", "maker": "h bateman", "period": "late 18th century"}, 1.0),
    ({"obj": "silver tea caddy", "maker": "hester bateman", "period": "1785"},
     {"obj": "woven silk panel", "maker": "unknown", "period": "ming dynasty"}, 0.0),
    ({"obj": "woven silk panel", "maker": "unknown", "period": "ming dynasty"},
     {"obj": "silk textile panel woven", "maker": "imperial workshop", "period": "ming"}, 1.0),
]


@dataclass
class EncoderSettings:
    hidden_size: int = 32
    num_layers: int = 1
    num_heads: int = 2
    max_seq_length: int = 48
    batch_size: int = 3
    epochs: int = 1
    seed: int = 21


def flatten(record: dict[str, str]) -> str:
    return f"[OBJ] {record['obj']} [MAKER] {record['maker']} [PERIOD] {record['period']}"


def bootstrap_encoder_dir(settings: EncoderSettings) -> str:
    """Write a tiny randomly initialised BERT + vocab so models.Transformer can load it."""
    words = sorted({w for a, b, _ in RECORD_PAIRS for rec in (a, b) for v in rec.values() for w in v.split()})
    out_dir = tempfile.mkdtemp(prefix="catalog_bert_")
    vocab_path = os.path.join(out_dir, "vocab.txt")
    with open(vocab_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=settings.hidden_size,
        num_hidden_layers=settings.num_layers,
        num_attention_heads=settings.num_heads,
        intermediate_size=settings.hidden_size * 2,
        max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def build_encoder(settings: EncoderSettings) -> SentenceTransformer:
    word_model = models.Transformer(bootstrap_encoder_dir(settings), max_seq_length=settings.max_seq_length)
    # keep the field markers as single tokens instead of [ , obj , ]
    added = word_model.tokenizer.add_special_tokens({"additional_special_tokens": FIELD_MARKERS})
    log.info("registered %d field markers, tokenizer size now %d", added, len(word_model.tokenizer))
    pooling = models.Pooling(word_model.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_model, pooling], device="cpu")


def make_examples() -> list[InputExample]:
    return [InputExample(texts=[flatten(a), flatten(b)], label=score) for a, b, score in RECORD_PAIRS]


def main() -> None:
    settings = EncoderSettings()
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)

    encoder = build_encoder(settings)
    examples = make_examples()
    loader = DataLoader(examples, batch_size=settings.batch_size, shuffle=True)
    objective = losses.CosineSimilarityLoss(encoder)

    log.info("training on %d record pairs", len(examples))
    encoder.old_fit(
        train_objectives=[(loader, objective)],
        epochs=settings.epochs,
        warmup_steps=1,
        show_progress_bar=False,
    )
    emb = encoder.encode([flatten(a) for a, _, _ in RECORD_PAIRS[:2]], convert_to_tensor=True, show_progress_bar=False)
    log.info("sample cosine %.3f", torch.nn.functional.cosine_similarity(emb[0], emb[1], dim=0).item())


if __name__ == "__main__":
    main()
