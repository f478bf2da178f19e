"""Triage of vessel maintenance log entries into CMMS work categories.

Notebook export -> script. Tiny BERT trained from scratch with the HF Trainer,
just to sanity-check the pipeline before we point it at the real fleet logs.
"""
import csv
import io
import os
import tempfile
from collections import namedtuple

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

torch.manual_seed(0)

Config = namedtuple("Config", "max_len batch_size epochs lr hidden layers heads")
cfg = Config(max_len=24, batch_size=4, epochs=1, lr=5e-4, hidden=32, layers=1, heads=2)

# category table as exported from the CMMS (codes are the CMMS work-order codes)
CATEGORY_CSV = """code,category
1,hull
2,propulsion
3,electrical
4,navigation
5,safety
"""

LOG_ENTRIES = [
    ("rust blistering on port side hull plating near waterline", "hull"),
    ("main engine exhaust temperature high on cylinder three", "propulsion"),
    ("shore power breaker tripped during connection", "electrical"),
    ("radar display freezing intermittently on bridge", "navigation"),
    ("liferaft hydrostatic release past service date", "safety"),
    ("fouling on hull below boot top needs cleaning", "hull"),
    ("propeller shaft seal leaking into stern tube", "propulsion"),
    ("emergency generator failed to start on test", "electrical"),
    ("gps antenna cable chafed at mast", "navigation"),
    ("fire extinguisher in engine room discharged", "safety"),
    ("dent in hull plating after berthing contact", "hull"),
    ("gearbox oil pressure low alarm at full ahead", "propulsion"),
]

HOLDOUT = [
    "bridge radar freezing again after restart",
    "liferaft cradle release corroded",
    "engine room breaker tripped on startup",
]


def load_categories(text):
    """Parse the CMMS category export into (code, name) rows."""
    reader = csv.DictReader(io.StringIO(text))
    return [(row["code"], row["category"]) for row in reader]


def write_vocab(entries, extra):
    """Build a whitespace word-level vocab file and return its path."""
    words = sorted({w for text, _ in entries for w in text.split()} | {w for t in extra for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


class LogDataset(Dataset):
    """Tokenised log entries with their category ids."""

    def __init__(self, tokenizer, texts, targets=None):
        self.enc = tokenizer(texts, padding="max_length", truncation=True,
                             max_length=cfg.max_len, return_tensors="pt")
        self.targets = targets

    def __len__(self):
        return self.enc["input_ids"].size(0)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        if self.targets is not None:
            item["labels"] = torch.tensor(self.targets[i], dtype=torch.long)
        return item


def build_model(vocab_size, n_classes):
    """Tiny randomly initialised BERT classifier."""
    bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
                          num_attention_heads=cfg.heads, intermediate_size=64,
                          max_position_embeddings=64, num_labels=n_classes)
    return BertForSequenceClassification(bert_cfg)


def print_report(texts, preds, names):
    """Plain-text table of holdout predictions."""
    print(f"{'log entry':<48} | predicted")
    print("-" * 62)
    for t, p in zip(texts, preds):
        print(f"{t[:48]:<48} | {names[p]}")


categories = load_categories(CATEGORY_CSV)
category_names = [name for _, name in categories]
label2id = {name: int(code) for code, name in categories}
id2label = {v: k for k, v in label2id.items()}
print(f"{len(category_names)} categories: {', '.join(category_names)}")

tokenizer = BertTokenizer(write_vocab(LOG_ENTRIES, HOLDOUT))
train_texts = [t for t, _ in LOG_ENTRIES]
train_targets = [label2id[c] for _, c in LOG_ENTRIES]
train_ds = LogDataset(tokenizer, train_texts, train_targets)
model = build_model(len(tokenizer), len(category_names))

args = TrainingArguments(
    output_dir=tempfile.mkdtemp(),
    num_train_epochs=cfg.epochs,
    per_device_train_batch_size=cfg.batch_size,
    learning_rate=cfg.lr,
    save_strategy="no",
    logging_steps=1,
    disable_tqdm=True,
    report_to=[],
    use_cpu=True,
)
trainer = Trainer(model=model, args=args, train_dataset=train_ds)
result = trainer.train()
print(f"train loss: {result.training_loss:.4f}")

pred_out = trainer.predict(LogDataset(tokenizer, HOLDOUT))
pred_ids = pred_out.predictions.argmax(-1).tolist()
print_report(HOLDOUT, pred_ids, id2label)
