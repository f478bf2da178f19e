"""Fine-tune a small BERT to route maritime incident reports to the right desk.

Reports come in from port state control and coastguard radio logs; the
classifier decides which investigation desk picks them up first.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

# investigation desks
CATEGORIES = ["collision", "grounding", "fire", "pollution"]

REPORTS = [
    ("bulk carrier struck moored tug while berthing at night", "collision"),
    ("fishing vessel touched bottom on sandbank near buoy seven", "grounding"),
    ("engine room fire reported crew mustered at stern", "fire"),
    ("oil sheen observed astern of tanker during bunkering", "pollution"),
    ("deckhand lost over side during heavy swell recovery ongoing", "man_overboard"),
    ("two yachts made contact in marina entrance minor damage", "collision"),
    ("coaster aground on falling tide awaiting refloat", "grounding"),
    ("galley fire extinguished by crew no injuries", "fire"),
    ("bilge water discharged inside harbour limits", "pollution"),
    ("crew member fell from pilot ladder recovered by rescue boat", "man_overboard"),
    ("ferry collided with pontoon during strong crosswind", "collision"),
    ("container ship grounded outside channel after steering failure", "grounding"),
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(
    {w for text, _ in REPORTS for w in text.split()}
)


def build_tokenizer():
    workdir = tempfile.mkdtemp(prefix="incident_tok_")
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(path)


class IncidentDataset(Dataset):
    def __init__(self, rows, tokenizer, label2id, max_len=24):
        self.rows = rows
        self.tok = tokenizer
        self.label2id = label2id
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, desk = self.rows[idx]
        enc = self.tok(
            text,
            padding="max_length",
            truncation=True,
            max_length=self.max_len,
        )
        item = {k: torch.tensor(v) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.label2id[desk])
        return item


def make_label_map(rows):
    # ids follow the order the desks were introduced in
    seen = list(CATEGORIES)
    for _, desk in rows:
        if desk not in seen:
            seen.append(desk)
    return {name: i for i, name in enumerate(seen)}


def main():
    tokenizer = build_tokenizer()
    label2id = make_label_map(REPORTS)
    print(f"desks: {label2id}")

    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(label2id),
    )
    model = BertForSequenceClassification(config)

    train_ds = IncidentDataset(REPORTS, tokenizer, label2id)
    print(f"training on {len(train_ds)} reports")

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="incident_run_"),
        per_device_train_batch_size=4,
        num_train_epochs=1,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        seed=SEED,
        disable_tqdm=True,
        report_to=[],
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print(f"done, final loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
