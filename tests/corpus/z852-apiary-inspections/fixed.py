"""Fine-tune a tiny BERT to grade beehive inspection notes by urgency (1 = routine ... 5 = act today)."""
import os
import random
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

URGENCY_LEVELS = ["routine", "monitor", "treat soon", "treat now", "act today"]

INSPECTIONS = [
    {"note": "brood pattern solid queen seen calm colony", "urgency": 1},
    {"note": "capped honey on six frames add super next visit", "urgency": 2},
    {"note": "few varroa mites on sticky board recheck in two weeks", "urgency": 2},
    {"note": "chalkbrood mummies at entrance remove frames and ventilate", "urgency": 3},
    {"note": "queen cells along bottom bars colony preparing to swarm", "urgency": 4},
    {"note": "no eggs no queen seen laying workers suspected", "urgency": 5},
    {"note": "calm colony good stores", "urgency": 1},
    {"note": "heavy varroa load deformed wings on emerging bees", "urgency": 5},
    {"note": "wax moth larvae in stored frames freeze frames", "urgency": 3},
    {"note": "robbing at entrance reduce entrance now", "urgency": 4},
    {"note": "pollen coming in steadily brood expanding", "urgency": 1},
    {"note": "small hive beetles under lid set traps", "urgency": 3},
]


def write_vocab(records, folder):
    words = sorted({w for r in records for w in r["note"].split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


class InspectionSet(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def bucket_by_length(examples, bucket_size):
    ordered = sorted(examples, key=lambda ex: len(ex["input_ids"]))
    return [ordered[i:i + bucket_size] for i in range(0, len(ordered), bucket_size)]


def main():
    workdir = tempfile.mkdtemp(prefix="apiary_")
    tokenizer = BertTokenizer(write_vocab(INSPECTIONS, workdir))

    def encode_one(record):
        enc = tokenizer(record["note"], truncation=True, max_length=32)
        enc["labels"] = record["urgency"] - 1
        return dict(enc)

    with ThreadPoolExecutor(max_workers=4) as pool:
        encoded = list(pool.map(encode_one, INSPECTIONS))
    print(f"encoded {len(encoded)} inspection notes")

    buckets = bucket_by_length(encoded, bucket_size=4)
    for b, bucket in enumerate(buckets):
        lens = [len(ex["input_ids"]) for ex in bucket]
        print(f"bucket {b}: lengths {min(lens)}-{max(lens)}")
    train_rows = [ex for bucket in buckets for ex in bucket]

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(URGENCY_LEVELS),
        id2label=dict(enumerate(URGENCY_LEVELS)),
        label2id={name: i for i, name in enumerate(URGENCY_LEVELS)},
    )
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=1,
        per_device_train_batch_size=4,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        use_cpu=True,
        seed=SEED,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=InspectionSet(train_rows),
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    result = trainer.train()
    print(f"finished, train loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
