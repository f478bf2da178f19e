"""Triage free-text damage surveys from a container depot into damage classes
with a small BERT classifier trained through the HF Trainer."""
import argparse
import os
import random
import tempfile
from functools import partial

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainingArguments)

DAMAGE_TYPES = ["dent", "puncture", "corrosion", "water_ingress"]

SURVEYS = [
    ("left side panel dent near door hinge , paint intact", "dent"),
    ("roof puncture approx 2 cm , light visible from inside", "puncture"),
    ("heavy rust on bottom rail and cross members", "corrosion"),
    ("floor boards wet , stains on cargo , seal failed", "water_ingress"),
    ("front wall dent after forklift contact", "dent"),
    ("corner casting cracked , needs welding", "structural"),
    ("door gasket torn , rain water inside", "water_ingress"),
    ("small hole in side panel from hook", "puncture"),
    ("surface rust on roof bows", "corrosion"),
    ("twist lock pocket deformed , frame bent", "structural"),
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ",", "2", "cm"]


class Experiment:
    def __init__(self, tokenizer, model, train_set, eval_set, outdir):
        self.tokenizer = tokenizer
        self.model = model
        self.train_set = train_set
        self.eval_set = eval_set
        self.outdir = outdir


class SurveyDataset(Dataset):
    def __init__(self, rows, tokenizer, label_fn, max_len):
        self.enc = tokenizer([t for t, _ in rows], padding="max_length", truncation=True, max_length=max_len)
        self.targets = [label_fn(tag) for _, tag in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.targets[i])
        return item


def encode_damage(tag, table):
    # anything the surveyors wrote that isn't in our list goes to a catch-all bucket
    return table.get(tag, len(DAMAGE_TYPES))


def write_vocab(workdir):
    words = sorted({w for text, _ in SURVEYS for w in text.split()} - set(VOCAB))
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(VOCAB + words) + "\n")
    return path


def make_experiment(args):
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    workdir = tempfile.mkdtemp(prefix="depot_")
    tokenizer = BertTokenizer(write_vocab(workdir))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(DAMAGE_TYPES) + 1)
    model = BertForSequenceClassification(config)
    table = {name: idx for idx, name in enumerate(DAMAGE_TYPES)}
    to_label = partial(encode_damage, table=table)
    split = int(len(SURVEYS) * 0.8)
    train_set = SurveyDataset(SURVEYS[:split], tokenizer, to_label, args.max_len)
    eval_set = SurveyDataset(SURVEYS[split:], tokenizer, to_label, args.max_len)
    print(f"train={len(train_set)} eval={len(eval_set)} classes={config.num_labels}")
    return Experiment(tokenizer, model, train_set, eval_set, workdir)


def accuracy(pred):
    return {"accuracy": float((pred.predictions.argmax(-1) == pred.label_ids).mean())}


def build_trainer(exp, args):
    targs = TrainingArguments(output_dir=os.path.join(exp.outdir, "run"), num_train_epochs=args.epochs,
                              per_device_train_batch_size=args.batch_size,
                              per_device_eval_batch_size=args.batch_size, learning_rate=args.lr,
                              save_strategy="no", logging_steps=1, use_cpu=True, seed=args.seed,
                              disable_tqdm=True, report_to=[])
    return Trainer(model=exp.model, args=targs, train_dataset=exp.train_set, eval_dataset=exp.eval_set,
                   compute_metrics=accuracy)


def run(args):
    exp = make_experiment(args)
    trainer = build_trainer(exp, args)
    if args.command == "train":
        trainer.train()
        print("eval:", trainer.evaluate())
    elif args.command == "evaluate":
        print("eval:", trainer.evaluate())


def main(argv=None):
    parser = argparse.ArgumentParser(prog="depot-triage")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("train", "evaluate"):
        sp = sub.add_parser(name)
        sp.add_argument("--epochs", type=float, default=1.0)
        sp.add_argument("--batch-size", type=int, default=4)
        sp.add_argument("--lr", type=float, default=5e-4)
        sp.add_argument("--max-len", type=int, default=24)
        sp.add_argument("--seed", type=int, default=7)
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main(["train"])
