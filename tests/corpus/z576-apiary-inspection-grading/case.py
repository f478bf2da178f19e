"""
Grade colony strength from free-text hive inspection notes.

Inspectors fill in the regional apiary form; the "strength" box is a grade
from 1 (failing) to 5 (very strong). We want a small classifier that can
pre-fill that box from the notes so the inspector only has to confirm it.
"""
import os
import random
import tempfile
from dataclasses import dataclass

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

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

GRADE_NAMES = ["failing", "weak", "average", "strong", "very strong"]

# (notes, grade as written on the form)
INSPECTIONS = [
    ("queen not seen no eggs two frames of bees drone laying suspected", 1),
    ("small cluster on three frames little stores chalkbrood present", 2),
    ("five frames brood eggs seen stores adequate temper calm", 3),
    ("eight frames brood queen marked seen super added", 4),
    ("brood on ten frames queen cells capped colony preparing to swarm", 5),
    ("queenless no brood laying workers present", 1),
    ("weak colony varroa mites visible on drones", 2),
    ("steady build up pollen coming in eggs and larvae", 3),
    ("strong colony second super needed calm bees", 4),
    ("boxes packed with bees heavy nectar flow two supers full", 5),
]


@dataclass
class InspectionExample:
    notes: str
    grade: int


class InspectionDataset(Dataset):
    def __init__(self, examples, tokenizer, max_len=48):
        self.examples = examples
        self.tokenizer = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        ex = self.examples[idx]
        enc = self.tokenizer(ex.notes, truncation=True, max_length=self.max_len)
        enc["labels"] = ex.grade
        return enc


def write_vocab(texts, folder):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    seen = sorted({w for t in texts for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(tokens + seen) + "\n")
    return path


def build_model(vocab_size):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(GRADE_NAMES),
        id2label=dict(enumerate(GRADE_NAMES)),
        label2id={n: i for i, n in enumerate(GRADE_NAMES)},
    )
    return BertForSequenceClassification(cfg)


def main():
    workdir = tempfile.mkdtemp(prefix="apiary_")
    vocab_path = write_vocab([n for n, _ in INSPECTIONS], workdir)
    tokenizer = BertTokenizer(vocab_path)
    print(f"vocab size: {tokenizer.vocab_size}")

    examples = [InspectionExample(notes, grade) for notes, grade in INSPECTIONS * 3]
    random.shuffle(examples)
    split = int(0.8 * len(examples))
    train_ds = InspectionDataset(examples[:split], tokenizer)
    eval_ds = InspectionDataset(examples[split:], tokenizer)
    print(f"train={len(train_ds)} eval={len(eval_ds)}")

    model = build_model(tokenizer.vocab_size)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=1,
        per_device_train_batch_size=4,
        per_device_eval_batch_size=4,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
        seed=3,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    trainer.train()
    metrics = trainer.evaluate()
    print("eval:", {k: round(v, 4) for k, v in metrics.items() if isinstance(v, float)})


if __name__ == "__main__":
    main()
