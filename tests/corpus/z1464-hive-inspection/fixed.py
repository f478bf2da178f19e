"""Classify apiary inspection notes into a colony-condition category so the
regional bee inspector can triage follow-up visits.

Winter notes are mostly "cluster seen, not opened" and are held out of training
for now; everything else goes to the classifier.
"""
import itertools
import logging
import operator
import os
import random
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="[%(levelname)s] %(message)s")
log = logging.getLogger("hives")

random.seed(3)
torch.manual_seed(3)

INSPECTIONS = [
    {"hive": "A3", "season": "spring", "condition": "queenless", "note": "no eggs no young larvae and workers roaring"},
    {"hive": "A7", "season": "spring", "condition": "swarming", "note": "many queen cells on lower frame edges"},
    {"hive": "B1", "season": "summer", "condition": "mite_load", "note": "deformed wings seen and high mite drop on board"},
    {"hive": "B4", "season": "summer", "condition": "robbing", "note": "fighting at entrance and wax cappings torn"},
    {"hive": "C2", "season": "autumn", "condition": "mite_load", "note": "mite drop high after sugar roll"},
    {"hive": "C5", "season": "spring", "condition": "swarming", "note": "capped queen cells and crowded brood box"},
    {"hive": "D1", "season": "winter", "condition": "brood_disease", "note": "sunken perforated cappings and ropey larvae"},
    {"hive": "D2", "season": "summer", "condition": "queenless", "note": "laying workers with multiple eggs per cell"},
    {"hive": "E6", "season": "autumn", "condition": "robbing", "note": "wasps and strange bees fighting at entrance"},
    {"hive": "E9", "season": "winter", "condition": "brood_disease", "note": "patchy brood with ropey larvae"},
]

condition_of = operator.itemgetter("condition")
note_of = operator.itemgetter("note")


def write_vocab(records, folder):
    words = sorted(set(itertools.chain.from_iterable(map(lambda r: note_of(r).split(), records))))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class InspectionNotes(Dataset):
    def __init__(self, records, tokenizer, label2id, max_len=24):
        self.rows = list(records)
        self.tok = tokenizer
        self.label2id = label2id
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        enc = self.tok(note_of(row), padding="max_length", truncation=True,
                       max_length=self.max_len, return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.label2id[condition_of(row)])
        return item


def main():
    workdir = tempfile.mkdtemp(prefix="hives_")
    tokenizer = BertTokenizer(write_vocab(INSPECTIONS, workdir))

    by_condition = sorted(INSPECTIONS, key=condition_of)
    label2id = {cond: i for i, (cond, _) in enumerate(itertools.groupby(by_condition, key=condition_of))}
    log.info("label map: %s", label2id)

    active = list(filter(lambda r: r["season"] != "winter", INSPECTIONS))
    train_groups = itertools.groupby(sorted(active, key=condition_of), key=condition_of)
    class_counts = {cond: sum(1 for _ in grp) for cond, grp in train_groups}
    log.info("training on %d notes: %s", len(active), class_counts)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(label2id))
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=1,
        per_device_train_batch_size=4,
        learning_rate=5e-4,
        save_strategy="no",
        logging_steps=1,
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args,
                      train_dataset=InspectionNotes(active, tokenizer, label2id))
    result = trainer.train()
    log.info("done, train loss %.4f", result.training_loss)


if __name__ == "__main__":
    main()
