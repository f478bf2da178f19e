"""Triage free-text engine-room maintenance log entries into work categories.

Small BERT classifier trained with the HF Trainer on the logs exported from the
fleet maintenance system. Everything is built locally (vocab, config) so it can
run on the shipboard laptop without network access.
"""
import functools
import logging
import os
import tempfile

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("triage")
torch.manual_seed(7)

# full work-category taxonomy used by the fleet maintenance system
CATEGORIES = ["lubrication", "cooling", "fuel", "electrical", "hull", "safety"]

TRAIN_ROWS = [
    {"text": "main engine lube oil pressure low alarm at noon", "category": "lubrication"},
    {"text": "replaced lube oil filter on generator two", "category": "lubrication"},
    {"text": "jacket water temperature high on cylinder four", "category": "cooling"},
    {"text": "sea water pump seal leaking in engine room", "category": "cooling"},
    {"text": "fuel oil purifier tripped during bunkering", "category": "fuel"},
    {"text": "fuel injector on cylinder two replaced", "category": "fuel"},
    {"text": "switchboard breaker tripped on bow thruster", "category": "electrical"},
    {"text": "generator two voltage regulator fault", "category": "electrical"},
    {"text": "lifeboat davit wire inspected and greased", "category": "safety"},
    {"text": "fire pump test failed pressure low", "category": "safety"},
    {"text": "cooling water pump bearing noise", "category": "cooling"},
    {"text": "fuel oil leak at purifier inlet", "category": "fuel"},
]


def build_tokenizer(rows):
    words = sorted({w for r in rows for w in r["text"].lower().split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class LazyDataset(torch.utils.data.Dataset):
    """Keeps raw rows around; tokenization happens when an item is read."""

    def __init__(self, rows, transform=None):
        self.rows = list(rows)
        self._transform = transform

    def with_transform(self, fn):
        return LazyDataset(self.rows, transform=fn)

    @functools.cached_property
    def label_names(self):
        # sorted so the class order is stable between runs
        return sorted({r["category"] for r in self.rows})

    @functools.cached_property
    def max_len(self):
        return max(len(r["text"].split()) for r in self.rows) + 2

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        return self._transform(row) if self._transform else dict(row)


def encode_entry(row, tokenizer, max_len):
    enc = tokenizer(row["text"], truncation=True, max_length=max_len)
    enc["labels"] = CATEGORIES.index(row["category"])
    return dict(enc)


def main():
    raw = LazyDataset(TRAIN_ROWS)
    tokenizer = build_tokenizer(TRAIN_ROWS)
    log.info("vocab size %d, %d log entries, categories seen: %s",
             tokenizer.vocab_size, len(raw), raw.label_names)

    train_ds = raw.with_transform(
        functools.partial(encode_entry, tokenizer=tokenizer, max_len=raw.max_len))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(CATEGORIES))
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=4,
        num_train_epochs=2,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds,
                      data_collator=DataCollatorWithPadding(tokenizer))
    result = trainer.train()
    log.info("finished, train loss %.4f", result.training_loss)

    model.eval()
    probe = tokenizer("fuel oil pressure low alarm", return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    print("probe ->", CATEGORIES[pred])


if __name__ == "__main__":
    main()
