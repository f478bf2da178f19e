"""Fine-tune a tiny BERT to triage apiary inspection notes into colony states.

Inspectors type free-text notes on a tablet after opening each hive; we want a
first-pass classifier so the regional bee inspector can prioritise follow-ups.
"""
import logging
import os
import random
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("hive_triage")

COLONY_STATES = ["queenright", "queenless", "swarm_prep", "robbing", "foulbrood", "varroa_heavy"]
# coarse buckets used for the weekly report to the association
REPORT_GROUPS = {
    "healthy": ["queenright"],
    "management": ["queenless", "swarm_prep", "robbing"],
    "disease": ["foulbrood", "varroa_heavy"],
}

NOTES = [
    ("eggs seen on three frames queen marked and laying well", "queenright"),
    ("calm colony good brood pattern queen spotted on frame five", "queenright"),
    ("no eggs no young larvae colony roaring and agitated", "queenless"),
    ("emergency cells started no queen found after full search", "queenless"),
    ("several charged queen cells along bottom bars brood nest crowded", "swarm_prep"),
    ("play cups with eggs and backfilled brood nest swarm likely", "swarm_prep"),
    ("fighting at entrance wax cappings torn and scattered on floor", "robbing"),
    ("strange bees forcing entrance stores being stripped fast", "robbing"),
    ("sunken perforated cappings with ropey brown larvae smell bad", "foulbrood"),
    ("patchy brood and sunken cappings matchstick test ropey", "foulbrood"),
    ("mites visible on drones deformed wings on young bees", "varroa_heavy"),
    ("sugar roll count high deformed wings and crawling bees", "varroa_heavy"),
]


def summary(title, **counts):
    parts = ", ".join(f"{k}={v}" for k, v in counts.items())
    print(f"[summary] {title}: {parts}")


def build_tokenizer(texts, workdir):
    words = sorted({w for t in texts for w in t.lower().split()})
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_path)


class InspectionNotes(Dataset):
    def __init__(self, rows, tokenizer, label2id, max_len=32):
        self.items = []
        for text, state in rows:
            enc = tokenizer(text, truncation=True, max_length=max_len)
            enc["labels"] = label2id[state]
            self.items.append(dict(enc))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def main():
    random.seed(7)
    torch.manual_seed(7)
    workdir = tempfile.mkdtemp(prefix="hive_")

    try:
        rows = NOTES * 3
        random.shuffle(rows)
        unknown = [s for _, s in rows if s not in COLONY_STATES]
        if unknown:
            raise ValueError(f"unrecognised colony states: {unknown}")
        label2id = {s: i for i, s in enumerate(COLONY_STATES)}
        summary("data", notes=len(rows), states=len(label2id))
    except Exception:
        log.exception("stage data failed")
        raise

    try:
        tokenizer = build_tokenizer([t for t, _ in rows], workdir)
        train_ds = InspectionNotes(rows, tokenizer, label2id)
        if any(len(x["input_ids"]) == 0 for x in train_ds.items):
            raise ValueError("empty encoding")
        summary("tokenize", vocab=len(tokenizer), examples=len(train_ds))
    except Exception:
        log.exception("stage tokenize failed")
        raise

    try:
        cfg = BertConfig(
            vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
            num_labels=len(REPORT_GROUPS),
        )
        model = BertForSequenceClassification(cfg)
        summary("model", params=sum(p.numel() for p in model.parameters()))
    except Exception:
        log.exception("stage model failed")
        raise

    try:
        args = TrainingArguments(
            output_dir=os.path.join(workdir, "out"), num_train_epochs=1,
            per_device_train_batch_size=4, learning_rate=5e-4, save_strategy="no",
            logging_steps=5, disable_tqdm=True, report_to=[], seed=7,
        )
        trainer = Trainer(
            model=model, args=args, train_dataset=train_ds,
            data_collator=DataCollatorWithPadding(tokenizer),
        )
        result = trainer.train()
        summary("train", steps=result.global_step, loss=round(result.training_loss, 4))
    except Exception:
        log.exception("stage train failed")
        raise

    log.info("hive triage model ready")


if __name__ == "__main__":
    main()
