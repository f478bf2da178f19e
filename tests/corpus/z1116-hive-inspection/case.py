"""Fine-tune a tiny BERT to triage apiary inspection notes.

Notes come from volunteer beekeepers filling in a free-text box after each
hive check. We route them to the right mentor queue based on the condition.
"""
import logging
import os
import re
import tempfile

import torch
import yaml
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("hive-triage")

SETTINGS = """
defaults: &defaults
  model:
    hidden_size: 32
    layers: 1
    heads: 2
    ffn: 64
    max_positions: 64
    num_labels: 3
    max_length: 24
  train:
    batch_size: 4
    epochs: 1
    lr: 5.0e-4
  queues: [healthy, queenless, swarming]

profiles:
  pilot:
    <<: *defaults
  full_season:
    <<: *defaults
    train:
      batch_size: 4
      epochs: 1
      lr: 3.0e-4
    queues: [healthy, queenless, swarming, varroa, robbing]
"""

ACTIVE_PROFILE = os.environ.get("HIVE_PROFILE", "full_season")

NOTES = [
    ("brood pattern solid, eggs seen, calm colony", "healthy"),
    ("no eggs no young larvae, roaring sound, emergency cells", "queenless"),
    ("queen cells along bottom bars, bees bearding heavily", "swarming"),
    ("mites on drone brood, deformed wings on several bees", "varroa"),
    ("fighting at entrance, wax cappings torn, strangers in hive", "robbing"),
    ("capped honey on three frames, laying queen spotted", "healthy"),
    ("laying workers, multiple eggs per cell, no queen", "queenless"),
    ("half the colony left, clustered on a branch nearby", "swarming"),
    ("sugar roll count high, mites visible on bees", "varroa"),
    ("frantic activity at entrance, dead bees on landing board", "robbing"),
    ("good temper, pollen coming in, brood all stages", "healthy"),
    ("swarm cells capped, colony crowded, no space", "swarming"),
]


def load_profile(name):
    cfg = yaml.safe_load(SETTINGS)
    return cfg["profiles"][name]


def write_vocab(texts):
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    folder = tempfile.mkdtemp(prefix="hive_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class InspectionNotes(Dataset):
    def __init__(self, rows, tokenizer, queue_index, max_length):
        texts = [text for text, _ in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True,
                             max_length=max_length, return_tensors="pt")
        self.queue = torch.tensor([queue_index[q] for _, q in rows])

    def __len__(self):
        return len(self.queue)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.queue[i]
        return item


def build_model(profile, vocab_size):
    conf = BertConfig(
        vocab_size=vocab_size,
        hidden_size=profile["model"]["hidden_size"],
        num_hidden_layers=profile["model"]["layers"],
        num_attention_heads=profile["model"]["heads"],
        intermediate_size=profile["model"]["ffn"],
        max_position_embeddings=profile["model"]["max_positions"],
        num_labels=profile["model"]["num_labels"],
    )
    return BertForSequenceClassification(conf)


def main():
    torch.manual_seed(11)
    profile = load_profile(ACTIVE_PROFILE)
    log.info("profile %s -> queues %s", ACTIVE_PROFILE, profile["queues"])

    queue_index = {name: i for i, name in enumerate(profile["queues"])}
    rows = [(t, q) for t, q in NOTES if q in queue_index]
    log.info("%d notes usable for this profile", len(rows))

    tokenizer = BertTokenizer(write_vocab([t for t, _ in rows]))
    train_ds = InspectionNotes(rows, tokenizer, queue_index, profile["model"]["max_length"])
    model = build_model(profile, tokenizer.vocab_size)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="hive_run_"),
        per_device_train_batch_size=profile["train"]["batch_size"],
        num_train_epochs=profile["train"]["epochs"],
        learning_rate=profile["train"]["lr"],
        save_strategy="no",
        logging_steps=1,
        disable_tqdm=True,
        report_to=[],
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    log.info("done, final loss %.4f", result.training_loss)


if __name__ == "__main__":
    main()
