"""Fine-tune a tiny BERT to route maritime incident reports to the right desk."""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

DATASETS, MODELS = {}, {}


def register(name):
    def deco(fn):
        table = DATASETS if name.startswith("data/") else MODELS
        table[name.split("/", 1)[1]] = fn
        return fn
    return deco


def build(kind, name, **kw):
    table = {"data": DATASETS, "model": MODELS}[kind]
    if name not in table:
        raise KeyError(f"unknown {kind} '{name}', have {sorted(table)}")
    return table[name](**kw)


# ---- data.py ----
DESKS = ["collision", "grounding", "engine_failure", "man_overboard", "pollution"]
DESK2ID = {d: i for i, d in enumerate(DESKS)}

REPORTS = [
    ("vessel struck pier while berthing in fog", "collision"),
    ("oil sheen observed astern after bunkering", "pollution"),
    ("main engine lost lube oil pressure at sea", "engine_failure"),
    ("deckhand fell from gangway during night watch", "man_overboard"),
    ("bulk carrier touched bottom outside channel", "grounding"),
    ("two fishing boats made contact near breakwater", "collision"),
    ("tanker spilled cargo oil from cracked manifold", "pollution"),
    ("generator tripped and blackout followed", "engine_failure"),
    ("crew member lost over side in heavy swell", "man_overboard"),
    ("bilge water discharged near marine reserve", "pollution"),
    ("ferry hit moored yacht during turn", "collision"),
    ("propeller shaft seal leaking into engine room", "engine_failure"),
]

WORDS = sorted({w for text, _ in REPORTS for w in text.split()})


def write_vocab(words):
    folder = tempfile.mkdtemp(prefix="maritime_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class IncidentSet(Dataset):
    def __init__(self, rows, tokenizer, max_len=32):
        self.rows = rows
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, desk = self.rows[i]
        enc = self.tok(text, truncation=True, max_length=self.max_len)
        enc["labels"] = DESK2ID[desk]
        return enc


@register("data/incidents")
def incident_splits(tokenizer, every=4):
    # every n-th report goes to the eval split, the rest is for training
    eval_rows = REPORTS[::every]
    train_rows = [r for i, r in enumerate(REPORTS) if i % every]
    return IncidentSet(train_rows, tokenizer), IncidentSet(eval_rows, tokenizer)


# ---- model.py ----
@register("model/tiny-bert")
def tiny_bert(vocab_size, num_labels):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=num_labels)
    return BertForSequenceClassification(cfg)


# ---- train.py ----
def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def main():
    seed_everything(7)
    tokenizer = BertTokenizer(write_vocab(WORDS))
    train_ds, eval_ds = build("data", "incidents", tokenizer=tokenizer)

    seen_desks = sorted({desk for _, desk in train_ds.rows})
    n_classes = len(DESK2ID)
    print(f"train={len(train_ds)} eval={len(eval_ds)} desks={seen_desks}")

    model = build("model", "tiny-bert", vocab_size=tokenizer.vocab_size, num_labels=n_classes)
    print(f"classifier head: {model.classifier}")

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="maritime_run_"),
        num_train_epochs=2,
        per_device_train_batch_size=4,
        per_device_eval_batch_size=4,
        learning_rate=5e-4,
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
        report_to=[],
        dataloader_pin_memory=False,
        seed=7,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      data_collator=DataCollatorWithPadding(tokenizer))
    trainer.train()
    metrics = trainer.evaluate()
    print("eval loss:", round(metrics["eval_loss"], 4))


if __name__ == "__main__":
    main()
