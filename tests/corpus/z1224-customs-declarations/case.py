"""Pair classifier: does the inspector's note agree with the declared goods description?

Small from-scratch BERT trained with the HF Trainer on a handful of customs declarations.
"""
from __future__ import annotations

import enum
import logging
import os
import tempfile
from dataclasses import dataclass
from typing import TypedDict

import torch
from torch.utils.data import Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("customs")
torch.manual_seed(7)


class Verdict(enum.IntEnum):
    CONSISTENT = 0
    DISCREPANT = 1


class Segment(enum.IntEnum):
    DECLARATION = enum.auto()
    INSPECTION = enum.auto()


class PairBatch(TypedDict):
    input_ids: torch.Tensor
    token_type_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor


@dataclass(frozen=True)
class Settings:
    hidden: int = 32
    max_len: int = 40
    epochs: int = 1
    batch_size: int = 4


RECORDS: list[tuple[str, str, Verdict]] = [
    ("cotton shirts for retail", "cartons hold cotton shirts with retail tags", Verdict.CONSISTENT),
    ("ceramic floor tiles", "pallets contain ceramic tiles , some broken", Verdict.CONSISTENT),
    ("spare engine parts", "crates hold used tyres not engine parts", Verdict.DISCREPANT),
    ("frozen shrimp", "reefer holds frozen shrimp at minus twenty", Verdict.CONSISTENT),
    ("children toys plastic", "boxes contain lithium batteries not toys", Verdict.DISCREPANT),
    ("office paper reams", "reams of office paper , count matches", Verdict.CONSISTENT),
    ("garden tools steel", "steel tools found with undeclared knives", Verdict.DISCREPANT),
    ("dried herbs tea", "bags of dried herbs , tea labels present", Verdict.CONSISTENT),
]


def write_vocab(records: list[tuple[str, str, Verdict]]) -> str:
    words = sorted({w for a, b, _ in records for w in (a + " " + b).split()})
    folder = tempfile.mkdtemp(prefix="customs_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    return path


class DeclarationPairs(Dataset):
    def __init__(self, records, tokenizer: BertTokenizer, settings: Settings):
        self.items = []
        for declared, inspected, verdict in records:
            left = tokenizer.tokenize(declared)
            right = tokenizer.tokenize(inspected)
            pieces = ["[CLS]", *left, "[SEP]", *right, "[SEP]"][: settings.max_len]
            kinds = [Segment.DECLARATION] * (len(left) + 2) + [Segment.INSPECTION] * (len(right) + 1)
            self.items.append(
                {"ids": tokenizer.convert_tokens_to_ids(pieces), "kinds": kinds[: len(pieces)], "verdict": verdict}
            )

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        return self.items[i]


def collate_pairs(rows: list[dict], pad_id: int) -> PairBatch:
    width = max(len(r["ids"]) for r in rows)
    ids, kinds, keep, targets = [], [], [], []
    for row in rows:
        match row:
            case {"ids": toks, "kinds": segs, "verdict": Verdict() as v}:
                gap = width - len(toks)
                ids.append(toks + [pad_id] * gap)
                kinds.append([int(s) for s in segs] + [int(segs[-1])] * gap)
                keep.append([1] * len(toks) + [0] * gap)
                targets.append(int(v))
            case _:
                raise ValueError(f"malformed row: {row!r}")
    return PairBatch(
        input_ids=torch.tensor(ids),
        token_type_ids=torch.tensor(kinds),
        attention_mask=torch.tensor(keep),
        labels=torch.tensor(targets),
    )


def main() -> None:
    settings = Settings()
    tokenizer = BertTokenizer(write_vocab(RECORDS))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=settings.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=len(Segment),
        num_labels=len(Verdict),
    )
    model = BertForSequenceClassification(config)
    train_set = DeclarationPairs(RECORDS, tokenizer, settings)
    log.info("built %d declaration pairs, vocab=%d", len(train_set), tokenizer.vocab_size)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="customs_run_"),
        num_train_epochs=settings.epochs,
        per_device_train_batch_size=settings.batch_size,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
        remove_unused_columns=False,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        data_collator=lambda rows: collate_pairs(rows, tokenizer.pad_token_id),
    )
    result = trainer.train()
    log.info("finished: loss=%.4f", result.training_loss)


if __name__ == "__main__":
    main()
