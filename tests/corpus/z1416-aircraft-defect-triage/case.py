"""Fine-tune a tiny BERT to route aircraft maintenance log entries to a defect category.

The log export comes as one CSV per split (ticket_id,flight_hours,text) and the
engineering team's annotations live in a separate TSV (ticket_id<TAB>category).
"""
import csv
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

TRAIN_LOG = [
    (101, 5120, "hydraulic pressure low on left system after landing"),
    (102, 880, "cabin light flickering row twelve"),
    (103, 4301, "engine two vibration exceeds limit during climb"),
    (104, 2210, "hydraulic leak found at main gear actuator"),
    (105, 610, "lavatory smoke detector test failed"),
    (106, 3990, "engine one oil pressure fluctuating in cruise"),
    (107, 1575, "cabin reading light inoperative seat four"),
    (108, 2760, "brake wear pin below limit left main gear"),
    (109, 4470, "engine bleed valve fault message on start"),
    (110, 930, "smoke detector cargo bay intermittent fault"),
]
TRAIN_ANNOTATIONS = [
    (101, "hydraulics"), (102, "cabin"), (103, "powerplant"), (104, "hydraulics"),
    (106, "powerplant"), (107, "cabin"), (108, "landing_gear"), (110, "fire_protection"),
]
DEV_LOG = [
    (201, 3100, "engine two oil pressure low on descent"),
    (202, 740, "cabin light inoperative row three"),
]
DEV_ANNOTATIONS = [(201, "powerplant"), (202, "cabin")]


def write_split(folder, split, log_rows, annotations):
    with open(os.path.join(folder, f"{split}.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ticket_id", "flight_hours", "text"])
        w.writerows(log_rows)
    with open(os.path.join(folder, f"{split}_labels.tsv"), "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["ticket_id", "category"])
        w.writerows(annotations)


def read_split(folder, split):
    with open(os.path.join(folder, f"{split}.csv"), newline="") as fh:
        log = [{"ticket_id": int(r["ticket_id"]), "flight_hours": int(r["flight_hours"]),
                "text": r["text"]} for r in csv.DictReader(fh)]
    with open(os.path.join(folder, f"{split}_labels.tsv"), newline="") as fh:
        ann = {int(r["ticket_id"]): r["category"] for r in csv.DictReader(fh, delimiter="\t")}
    return log, ann


def write_vocab(folder, texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class DefectLogDataset(Dataset):
    UNLABELLED = -1

    def __init__(self, log, label_by_ticket, cat2id, tokenizer):
        self.items = []
        for row in log:
            cat = label_by_ticket.get(row["ticket_id"])
            target = cat2id[cat] if cat is not None else self.UNLABELLED
            enc = tokenizer(row["text"], truncation=True, max_length=32)
            enc["labels"] = target
            self.items.append(enc)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def main():
    work = tempfile.mkdtemp(prefix="mro_")
    write_split(work, "train", TRAIN_LOG, TRAIN_ANNOTATIONS)
    write_split(work, "dev", DEV_LOG, DEV_ANNOTATIONS)

    train_log, train_ann = read_split(work, "train")
    dev_log, dev_ann = read_split(work, "dev")
    categories = sorted(set(train_ann.values()))
    cat2id = {c: i for i, c in enumerate(categories)}
    print(f"{len(train_log)} train tickets, {len(train_ann)} annotated, categories={categories}")

    tokenizer = BertTokenizer(write_vocab(work, [r["text"] for r in train_log + dev_log]))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(categories),
                        id2label=dict(enumerate(categories)), label2id=cat2id)
    model = BertForSequenceClassification(config)

    train_ds = DefectLogDataset(train_log, train_ann, cat2id, tokenizer)
    dev_ds = DefectLogDataset(dev_log, dev_ann, cat2id, tokenizer)

    args = TrainingArguments(output_dir=os.path.join(work, "out"), num_train_epochs=2,
                             per_device_train_batch_size=4, per_device_eval_batch_size=4,
                             learning_rate=5e-4, logging_steps=2, save_strategy="no",
                             use_cpu=True, disable_tqdm=True, report_to=[], seed=7)
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=dev_ds,
                      data_collator=DataCollatorWithPadding(tokenizer))
    trainer.train()
    print("dev metrics:", trainer.evaluate())


if __name__ == "__main__":
    main()
