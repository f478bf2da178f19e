"""Tag hazardous-goods fields in free-text cargo manifest lines.

Fine-tunes a small BERT token classifier with the HF Trainer so the customs
pre-screening service can highlight UN numbers, hazard classes and packing groups.
"""
from __future__ import annotations

import logging
import os
import random
import tempfile
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForTokenClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("manifest_ner")

TAGS = ["O", "B-UN", "B-CLASS", "B-PG", "B-QTY"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

MANIFEST = [
    ("drums UN1263 paint class 3 pg II 200 litres", "O B-UN O O B-CLASS O B-PG B-QTY O"),
    ("cylinders UN1072 oxygen compressed class 2.2 40 units", "O B-UN O O O B-CLASS B-QTY O"),
    ("boxes UN3480 lithium ion batteries class 9 pg II", "O B-UN O O O O B-CLASS O B-PG"),
    ("bags fertiliser ammonium nitrate UN2067 class 5.1 pg III 1000 kg", "O O O O B-UN O B-CLASS O B-PG B-QTY O"),
    ("cartons garden furniture 12 pallets", "O O O B-QTY O"),
    ("ibc UN1830 sulphuric acid class 8 pg II 1000 litres", "O B-UN O O O B-CLASS O B-PG B-QTY O"),
    ("crates spare engine parts", "O O O O"),
    ("tank UN1203 gasoline class 3 pg II", "O B-UN O O B-CLASS O B-PG"),
]


@dataclass
class NerSettings:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    max_length: int = 32
    epochs: int = 1
    batch_size: int = 4
    seed: int = 7
    output_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="manifest_ner_"))


def write_vocab(lines: list[tuple[str, str]]) -> str:
    words = sorted({w for text, _ in lines for w in text.lower().split()})
    pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(pieces) + "\n")
    return path


class ManifestDataset(Dataset):
    """Word-aligned examples; labels on the first sub-token of each word only."""

    def __init__(self, rows: list[tuple[str, str]], tokenizer: BertTokenizer) -> None:
        self.items: list[dict[str, list[int]]] = []
        for text, tags in rows:
            words, word_tags = text.split(), tags.split()
            enc = tokenizer(words, is_split_into_words=True)
            aligned, prev = [], None
            for wid in enc.word_ids():
                aligned.append(-100 if wid is None or wid == prev else TAG2ID[word_tags[wid]])
                prev = wid
            self.items.append({"input_ids": enc["input_ids"], "labels": aligned})

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, idx: int) -> dict[str, list[int]]:
        return self.items[idx]


@dataclass
class ManifestCollator:
    tokenizer: BertTokenizer
    max_length: int

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        tag_rows = [f["labels"] for f in features]
        batch = self.tokenizer.pad(
            [{"input_ids": f["input_ids"]} for f in features],
            padding="longest",
            return_tensors="pt",
        )
        padded_tags = [row + [-100] * (self.max_length - len(row)) for row in tag_rows]
        batch["labels"] = torch.tensor(padded_tags, dtype=torch.long)
        return batch


def build_model(cfg: NerSettings, vocab_size: int) -> BertForTokenClassification:
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.hidden,
        num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads,
        intermediate_size=cfg.hidden * 2,
        max_position_embeddings=64,
        num_labels=len(TAGS),
    )
    return BertForTokenClassification(config)


def main() -> None:
    cfg = NerSettings()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    tokenizer = BertTokenizer(write_vocab(MANIFEST))
    train_set = ManifestDataset(MANIFEST, tokenizer)
    log.info("built %d manifest lines, vocab=%d", len(train_set), tokenizer.vocab_size)

    model = build_model(cfg, tokenizer.vocab_size)
    args = TrainingArguments(
        output_dir=cfg.output_dir,
        num_train_epochs=cfg.epochs,
        per_device_train_batch_size=cfg.batch_size,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        disable_tqdm=True,
        report_to=[],
        seed=cfg.seed,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        data_collator=ManifestCollator(tokenizer, cfg.max_length),
    )
    result = trainer.train()
    log.info("finished: loss=%.4f", result.training_loss)


if __name__ == "__main__":
    main()
