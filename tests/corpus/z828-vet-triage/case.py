"""Quick fine-tune of a tiny BERT on vet clinic intake notes -> triage bucket.

Throwaway script for the demo on Friday, will clean up later.
"""
import os
import random
import tempfile
from typing import TypedDict

import numpy as np
import torch
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)


class Settings(TypedDict):
    max_len: int
    num_labels: int
    lr: float
    batch_size: int
    seed: int


TRIAGE_BUCKETS = ["routine", "urgent", "emergency", "referral", "exotic"]

SETTINGS: Settings = {
    "max_len": 32,
    "num_labels": 4,
    "lr": 5e-4,
    "batch_size": 4,
    "seed": 7,
}

RAW_NOTES = [
    ("dog limping on left hind leg since yesterday", "urgent"),
    ("annual vaccination booster for cat", "routine"),
    ("puppy ate chocolate bar vomiting", "emergency"),
    ("bearded dragon not eating for a week", "exotic"),
    ("cat hit by car bleeding heavily", "emergency"),
    ("dental cleaning follow up", "routine"),
    ("horse lameness needs imaging specialist", "referral"),
    ("parrot plucking feathers", "exotic"),
    ("dog ear infection scratching", "urgent"),
    ("rabbit teeth overgrown", "exotic"),
    ("cat nail trim", "routine"),
    ("dog seizure at home", "emergency"),
    ("", "routine"),  # blank rows come through from the web form sometimes
]

WORDS = sorted({w for text, _ in RAW_NOTES for w in text.split()})


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def write_vocab():
    # TODO: swap for a real clinical vocab once we have the export from the PMS
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS))
    return path


class NotesDataset(torch.utils.data.Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


def make_everything():
    tok = BertTokenizer(write_vocab())
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=SETTINGS["num_labels"],
    )
    model = BertForSequenceClassification(cfg)

    bucket_ids = {name: i for i, name in enumerate(TRIAGE_BUCKETS)}
    # TODO: move cleaning into its own module, this is getting long
    cleaned = filter(lambda pair: pair[0].strip(), RAW_NOTES)
    encoded = list(
        map(
            lambda pair: {
                **tok(pair[0], truncation=True, max_length=SETTINGS["max_len"]),
                "labels": bucket_ids[pair[1]],
            },
            cleaned,
        )
    )
    random.shuffle(encoded)
    split = int(len(encoded) * 0.75)
    datasets = (NotesDataset(encoded[:split]), NotesDataset(encoded[split:]))
    collator = DataCollatorWithPadding(tok)
    return model, tok, datasets, collator


def main():
    seed_all(SETTINGS["seed"])
    model, tok, (train_ds, eval_ds), collator = make_everything()
    print(f"train={len(train_ds)} eval={len(eval_ds)} vocab={tok.vocab_size}")

    out_dir = tempfile.mkdtemp()
    # TODO: pull these from a yaml once we have more than one experiment
    args = TrainingArguments(
        output_dir=out_dir,
        num_train_epochs=2,
        per_device_train_batch_size=SETTINGS["batch_size"],
        per_device_eval_batch_size=SETTINGS["batch_size"],
        learning_rate=SETTINGS["lr"],
        logging_steps=1,
        save_strategy="no",
        disable_tqdm=True,
        report_to=[],
        use_cpu=True,
        seed=SETTINGS["seed"],
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        data_collator=collator,
    )
    trainer.train()
    metrics = trainer.evaluate()
    print("eval:", metrics)


if __name__ == "__main__":
    main()
