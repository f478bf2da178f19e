"""Fine-tune a tiny BERT to triage beehive inspection notes with the HF Trainer."""
import enum
import os
import random
import tempfile
from typing import Literal, NamedTuple, TypedDict

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)


class HiveStatus(enum.IntEnum):
    HEALTHY = enum.auto()
    QUEENLESS = enum.auto()
    VARROA = enum.auto()
    SWARM_PREP = enum.auto()


class Inspection(TypedDict):
    note: str
    status: str


class RunSettings(NamedTuple):
    max_len: int = 32
    epochs: int = 1
    batch_size: int = 4
    lr: float = 5e-4
    seed: int = 7
    padding: Literal["longest", "max_length"] = "longest"


INSPECTIONS: list[Inspection] = [
    {"note": "brood pattern solid capped honey on four frames", "status": "HEALTHY"},
    {"note": "no eggs no larvae bees roaring on the comb", "status": "QUEENLESS"},
    {"note": "mites on drone brood deformed wings seen", "status": "VARROA"},
    {"note": "queen cups along bottom bars with eggs inside", "status": "SWARM_PREP"},
    {"note": "calm colony eggs present pollen coming in", "status": "HEALTHY"},
    {"note": "emergency cells drawn no queen sighted", "status": "QUEENLESS"},
    {"note": "sugar roll count high mites on bees", "status": "VARROA"},
    {"note": "backfilled brood nest capped swarm cells", "status": "SWARM_PREP"},
    {"note": "good stores eggs and open brood present", "status": "HEALTHY"},
    {"note": "laying workers multiple eggs per cell", "status": "QUEENLESS"},
    {"note": "spotty brood mites on sticky board", "status": "VARROA"},
    {"note": "crowded boxes queen cells charged", "status": "SWARM_PREP"},
]


def write_vocab(texts: list[str]) -> str:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="hive_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


class InspectionDataset(Dataset):
    def __init__(self, rows: list[Inspection], tokenizer: BertTokenizer, max_len: int):
        self.rows = rows
        self.tokenizer = tokenizer
        self.max_len = max_len

    def __len__(self) -> int:
        return len(self.rows)

    @staticmethod
    def encode_status(name: str) -> int:
        return int(HiveStatus[name])

    def __getitem__(self, idx: int) -> dict:
        row = self.rows[idx]
        enc = self.tokenizer(row["note"], truncation=True, max_length=self.max_len)
        enc["labels"] = self.encode_status(row["status"])
        return dict(enc)


def build_model(vocab_size: int, settings: RunSettings) -> BertForSequenceClassification:
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(HiveStatus),
        id2label={i: s.name for i, s in enumerate(HiveStatus)},
        label2id={s.name: i for i, s in enumerate(HiveStatus)},
    )
    return BertForSequenceClassification(config)


def main() -> None:
    settings = RunSettings()
    random.seed(settings.seed)
    np.random.seed(settings.seed)
    torch.manual_seed(settings.seed)

    vocab_path = write_vocab([r["note"] for r in INSPECTIONS])
    tokenizer = BertTokenizer(vocab_path)
    train_ds = InspectionDataset(INSPECTIONS, tokenizer, settings.max_len)
    print(f"{len(train_ds)} inspections, {len(HiveStatus)} hive states, vocab {tokenizer.vocab_size}")

    model = build_model(tokenizer.vocab_size, settings)
    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="hive_run_"),
        num_train_epochs=settings.epochs,
        per_device_train_batch_size=settings.batch_size,
        learning_rate=settings.lr,
        seed=settings.seed,
        logging_steps=1,
        save_strategy="no",
        disable_tqdm=True,
        report_to=[],
        use_cpu=True,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        data_collator=DataCollatorWithPadding(tokenizer, padding=settings.padding),
    )
    result = trainer.train()
    print(f"done: train loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
