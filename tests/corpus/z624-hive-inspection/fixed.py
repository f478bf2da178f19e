"""Fine-tune a tiny BERT to predict colony health grade from apiary inspection notes.

Grades come from the regional bee inspector's field form (1 = thriving ... 5 = collapse risk).
"""
import os
import random
import tempfile
import logging

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

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("hive-grade")

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

NUM_GRADES = 5  # field form uses grades 1..5
MAX_LEN = 32

INSPECTIONS = [
    ("brood pattern solid queen seen eggs present calm bees", 1),
    ("capped brood good stores heavy no mites on board", 1),
    ("queen cells on frame edges bees bearding swarm likely", 3),
    ("spotty brood few eggs queen not seen", 3),
    ("sunken cappings foul smell brood discoloured", 5),
    ("varroa count high deformed wings seen on drones", 4),
    ("stores light feed syrup colony small but queenright", 2),
    ("robbing at entrance reduce entrance weak colony", 4),
    ("laying workers multiple eggs per cell no queen", 5),
    ("strong colony supers added nectar flow on", 1),
    ("chalkbrood mummies on landing board moderate", 3),
    ("queenless roar no eggs emergency cells drawn", 4),
]

VOCAB_WORDS = sorted({w for text, _ in INSPECTIONS for w in text.split()})


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp(prefix="hive_vocab_")
    vocab_path = os.path.join(vocab_dir, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(specials + VOCAB_WORDS) + "\n")
    return BertTokenizer(vocab_path)


class InspectionDataset(Dataset):
    """Wraps (note, grade) rows as tokenized examples for the Trainer."""

    def __init__(self, rows, tokenizer, max_len=MAX_LEN):
        self.rows = rows
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        note, grade = self.rows[idx]
        enc = self.tok(note, truncation=True, max_length=self.max_len)
        item = {k: torch.tensor(v) for k, v in enc.items()}
        item["labels"] = torch.tensor(int(grade) - 1, dtype=torch.long)
        return item


def main():
    tokenizer = build_tokenizer()
    log.info("vocab size %d", tokenizer.vocab_size)

    random.shuffle(INSPECTIONS)
    split = int(len(INSPECTIONS) * 0.75)
    train_ds = InspectionDataset(INSPECTIONS[:split], tokenizer)
    eval_ds = InspectionDataset(INSPECTIONS[split:], tokenizer)
    log.info("train=%d eval=%d", len(train_ds), len(eval_ds))

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=NUM_GRADES,
        id2label={i: f"grade_{i + 1}" for i in range(NUM_GRADES)},
        label2id={f"grade_{i + 1}": i for i in range(NUM_GRADES)},
    )
    model = BertForSequenceClassification(config)

    out_dir = tempfile.mkdtemp(prefix="hive_run_")
    args = TrainingArguments(
        output_dir=out_dir,
        num_train_epochs=2,
        per_device_train_batch_size=3,
        per_device_eval_batch_size=3,
        learning_rate=5e-4,
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
        report_to=[],
        use_cpu=True,
        seed=SEED,
    )

    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    result = trainer.train()
    log.info("train loss %.4f", result.training_loss)

    metrics = trainer.evaluate()
    print("eval:", {k: round(v, 4) for k, v in metrics.items() if isinstance(v, float)})


if __name__ == "__main__":
    main()
