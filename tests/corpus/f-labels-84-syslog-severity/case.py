import os
import tempfile
from collections import namedtuple
from dataclasses import dataclass

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainingArguments, set_seed)

set_seed(0)

LEVELS = ("info", "notice", "warning", "error", "critical")
level_id = {lvl: k for k, lvl in enumerate(LEVELS)}

LogRecord = namedtuple("LogRecord", "service message level")
RECORDS = [
    LogRecord("nginx", "request served in 12 ms", "info"),
    LogRecord("cron", "job backup started", "notice"),
    LogRecord("postgres", "slow query took 4 s", "warning"),
    LogRecord("kernel", "disk sda read error", "error"),
    LogRecord("kernel", "out of memory killed process", "critical"),
    LogRecord("nginx", "upstream timed out", "error"),
    LogRecord("sshd", "accepted key for user", "info"),
    LogRecord("cron", "job backup finished", "notice"),
    LogRecord("postgres", "connection limit nearly reached", "warning"),
    LogRecord("raid", "array degraded disk missing", "critical"),
    LogRecord("sshd", "failed password for user", "warning"),
    LogRecord("nginx", "worker process exited on signal", "error"),
]


@dataclass
class TrainingConfig:
    max_len: int = 16
    n_classes: int = 4
    hidden: int = 32
    batch_size: int = 4
    epochs: int = 2


def write_vocab(folder, records):
    words = sorted({w for r in records for w in (r.service + " " + r.message).split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class Featurizer:
    def __init__(self, tokenizer, max_len):
        self.tok = tokenizer
        self.max_len = max_len

    def __call__(self, rec):
        ex = self.tok(rec.service, rec.message, truncation=True, max_length=self.max_len,
                      padding="max_length")
        ex = {k: torch.tensor(v) for k, v in ex.items()}
        ex["labels"] = level_id[rec.level]
        return ex


cfg = TrainingConfig()
workdir = tempfile.mkdtemp()
tokenizer = BertTokenizer(write_vocab(workdir, RECORDS))
featurize = Featurizer(tokenizer, cfg.max_len)
train_set = [featurize(r) for r in RECORDS]
print(f"{len(train_set)} log lines, label counts:",
      {lvl: sum(r.level == lvl for r in RECORDS) for lvl in LEVELS})

model = BertForSequenceClassification(BertConfig(
    vocab_size=tokenizer.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=2,
    num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
    num_labels=cfg.n_classes))

args = TrainingArguments(output_dir=os.path.join(workdir, "run"), per_device_train_batch_size=cfg.batch_size,
                         num_train_epochs=cfg.epochs, learning_rate=1e-3, logging_steps=3,
                         report_to=[], save_strategy="no", use_cpu=True, disable_tqdm=True, seed=0)
trainer = Trainer(model=model, args=args, train_dataset=train_set)
result = trainer.train()
print(f"final training loss {result.training_loss:.3f}")

model.eval()
with torch.no_grad():
    batch = tokenizer(["kernel", "cron"], ["disk sda read error", "job backup started"],
                      padding=True, return_tensors="pt")
    preds = model(**batch).logits.argmax(-1).tolist()
print("predicted levels:", [LEVELS[p] for p in preds])
