"""Classify beekeepers' hive inspection notes into a colony condition.

Trains a small BERT with the HF Trainer and prints a per-condition confusion
matrix on the dev notes at the end.
"""
import json
import os
import re
import tempfile

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

torch.manual_seed(11)

CONDITIONS = ["healthy", "queenless", "swarming", "varroa", "wax_moth"]

TRAIN_NOTES = [
    ("capped brood in a tight pattern and plenty of fresh nectar", "healthy"),
    ("calm colony with eggs present and a laying queen seen", "healthy"),
    ("no eggs or young larvae and several emergency cells drawn", "queenless"),
    ("loud roaring and laying workers on the outer frames", "queenless"),
    ("queen cells along the bottom bars and bees bearding at the entrance", "swarming"),
    ("congested brood nest with many charged swarm cells", "swarming"),
    ("mites on drone brood and deformed wings on young bees", "varroa"),
    ("sticky board shows a heavy mite drop after treatment", "varroa"),
]
DEV_NOTES = [
    ("eggs present and a steady nectar flow with a calm colony", "healthy"),
    ("webbing and tunnels through the comb on an empty super", "wax_moth"),
    ("charged queen cells on the bottom bars after congestion", "swarming"),
    ("deformed wings and mites counted on drone brood", "varroa"),
    ("no eggs seen and the colony is roaring", "queenless"),
]


def dump_files(root):
    with open(os.path.join(root, "conditions.tsv"), "w") as fh:
        fh.write("code\tcondition\n")
        for i, name in enumerate(CONDITIONS):
            fh.write(f"{i}\t{name}\n")
    for split, notes in (("train", TRAIN_NOTES), ("dev", DEV_NOTES)):
        with open(os.path.join(root, f"{split}.jsonl"), "w") as fh:
            for text, cond in notes:
                fh.write(json.dumps({"note": text, "condition": cond}) + "\n")
    vocab = sorted({w for text, _ in TRAIN_NOTES + DEV_NOTES for w in re.findall(r"\w+", text)})
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *vocab]) + "\n")


def load_jsonl(path):
    with open(path) as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_condition_table(path):
    with open(path) as fh:
        next(fh)
        rows = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
    names = sorted(set(name for _, name in rows))
    return {name: i for i, name in enumerate(names)}


class NotesDataset(torch.utils.data.Dataset):
    def __init__(self, records, tokenizer, cond2id):
        self.items = []
        for rec in records:
            enc = tokenizer(rec["note"])
            enc["labels"] = cond2id[rec["condition"]]
            self.items.append(enc)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def make_confusion_metrics(class_names):
    def compute(eval_pred):
        preds = torch.as_tensor(eval_pred.predictions).argmax(-1)
        gold = torch.as_tensor(eval_pred.label_ids)
        cm = torch.zeros(len(class_names), len(class_names), dtype=torch.long)
        for g, p in zip(gold.tolist(), preds.tolist()):
            cm[g, p] += 1
        print("confusion (rows=gold):")
        for name, row in zip(class_names, cm.tolist()):
            print(f"  {name:>10s} {row}")
        return {"accuracy": (preds == gold).float().mean().item()}
    return compute


def main():
    root = tempfile.mkdtemp(prefix="hives_")
    dump_files(root)

    cond2id = load_condition_table(os.path.join(root, "conditions.tsv"))
    train_recs = load_jsonl(os.path.join(root, "train.jsonl"))
    dev_recs = load_jsonl(os.path.join(root, "dev.jsonl"))
    report_classes = sorted(cond2id, key=cond2id.get)
    print(f"train={len(train_recs)} dev={len(dev_recs)} conditions={list(cond2id)}")

    tokenizer = BertTokenizer(os.path.join(root, "vocab.txt"))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(cond2id),
                        id2label={i: c for c, i in cond2id.items()}, label2id=cond2id)
    model = BertForSequenceClassification(config)

    args = TrainingArguments(output_dir=os.path.join(root, "out"), num_train_epochs=2,
                             per_device_train_batch_size=4, per_device_eval_batch_size=8,
                             learning_rate=5e-4, save_strategy="no", logging_steps=2,
                             report_to=[], use_cpu=True, seed=11)
    trainer = Trainer(model=model, args=args,
                      train_dataset=NotesDataset(train_recs, tokenizer, cond2id),
                      eval_dataset=NotesDataset(dev_recs, tokenizer, cond2id),
                      data_collator=DataCollatorWithPadding(tokenizer),
                      compute_metrics=make_confusion_metrics(report_classes))
    trainer.train()
    metrics = trainer.evaluate()
    print(f"dev accuracy: {metrics['eval_accuracy']:.2f}")


if __name__ == "__main__":
    main()
