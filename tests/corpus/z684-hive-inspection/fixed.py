"""Fine-tune a tiny BERT to triage beekeepers' hive inspection notes.

Notes come from the field app as free text; each one is tagged by the
apiary lead with a colony status so the scheduler can prioritise revisits.
"""
import logging
import random
import tempfile
import os

import numpy as np
import torch
import yaml
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("hive-triage")

SETTINGS = """
seed: 13
model:
  arch: bert
  hidden: 32
  layers: 1
  heads: 2
  ffn: 64
  max_positions: 64
  num_labels: 5
data:
  max_len: 32
  statuses: [healthy, queenless, swarming_risk, varroa_high, starving]
train:
  epochs: 1
  batch_size: 4
  lr: 5.0e-4
"""

NOTES = [
    ("brood pattern solid queen seen eggs present stores good", "healthy"),
    ("no eggs no queen seen emergency cells on frame four", "queenless"),
    ("queen cells along bottom bars colony very crowded", "swarming_risk"),
    ("mite drop high on sticky board deformed wings seen", "varroa_high"),
    ("frames light no capped honey bees clustering tight", "starving"),
    ("calm colony good pollen coming in brood on six frames", "healthy"),
    ("drone laying pattern spotty no queen found", "queenless"),
    ("supers full bees bearding at entrance cells capped", "swarming_risk"),
    ("sugar roll count twelve mites per hundred bees", "varroa_high"),
    ("little nectar flow feeding syrup needed urgently", "starving"),
    ("queen marked seen laying well temper gentle", "healthy"),
    ("mite wash high treat with oxalic this week", "varroa_high"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path, len(specials) + len(words)


def build_bert(mcfg, vocab_size):
    config = BertConfig(vocab_size=vocab_size, hidden_size=mcfg["hidden"],
                        num_hidden_layers=mcfg["layers"], num_attention_heads=mcfg["heads"],
                        intermediate_size=mcfg["ffn"], max_position_embeddings=mcfg["max_positions"],
                        num_labels=mcfg["num_labels"])
    return BertForSequenceClassification(config)


MODEL_BUILDERS = {"bert": build_bert}


class InspectionNotes(Dataset):
    def __init__(self, rows, tokenizer, status_to_id, max_len):
        self.rows = rows
        self.tok = tokenizer
        self.status_to_id = status_to_id
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, status = self.rows[idx]
        enc = self.tok(text, truncation=True, max_length=self.max_len)
        enc["labels"] = self.status_to_id[status]
        return dict(enc)


class PadCollator:
    """Pads to the longest note in the batch."""

    def __init__(self, pad_id):
        self.pad_id = pad_id

    def __call__(self, feats):
        width = max(len(f["input_ids"]) for f in feats)
        out = {"input_ids": [], "attention_mask": [], "token_type_ids": [], "labels": []}
        for f in feats:
            gap = width - len(f["input_ids"])
            out["input_ids"].append(f["input_ids"] + [self.pad_id] * gap)
            out["attention_mask"].append(f["attention_mask"] + [0] * gap)
            out["token_type_ids"].append(f["token_type_ids"] + [0] * gap)
            out["labels"].append(f["labels"])
        return {k: torch.tensor(v, dtype=torch.long) for k, v in out.items()}


def main():
    cfg = yaml.safe_load(SETTINGS)
    random.seed(cfg["seed"]); np.random.seed(cfg["seed"]); torch.manual_seed(cfg["seed"])

    vocab_path, vocab_size = write_vocab([t for t, _ in NOTES])
    tokenizer = BertTokenizer(vocab_path)
    status_to_id = {s: i for i, s in enumerate(cfg["data"]["statuses"])}
    log.info("statuses: %s", status_to_id)

    model = MODEL_BUILDERS[cfg["model"]["arch"]](cfg["model"], vocab_size)
    train_ds = InspectionNotes(NOTES, tokenizer, status_to_id, cfg["data"]["max_len"])
    log.info("%d notes, vocab %d", len(train_ds), vocab_size)

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=cfg["train"]["epochs"],
                             per_device_train_batch_size=cfg["train"]["batch_size"],
                             learning_rate=cfg["train"]["lr"], use_cpu=True, save_strategy="no",
                             logging_steps=1, disable_tqdm=True, report_to=[], seed=cfg["seed"])
    trainer = Trainer(model=model, args=args, train_dataset=train_ds,
                      data_collator=PadCollator(tokenizer.pad_token_id))
    result = trainer.train()
    log.info("done, train loss %.4f", result.training_loss)


if __name__ == "__main__":
    main()
