#!/usr/bin/env python
"""Nurse-triage note classifier: a tiny BERT trained from scratch on free-text notes.

Usage:
    triage.py train [--epochs N] [--lr LR] [--batch-size B]
    triage.py predict --note "..."
"""
import argparse
import json
import os
import re
import sys
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

WORKDIR = tempfile.mkdtemp(prefix="triage_")
DEFAULTS_PATH = os.path.join(WORKDIR, "triage_defaults.json")

DEFAULTS = {
    "encoder": {"hidden": 32, "layers": 1, "heads": 2, "ffn": 64, "positions": 64},
    "train": {"epochs": 2, "lr": 5e-4, "batch_size": 4, "seed": 7},
    "acuity": ["routine", "urgent", "emergent"],
}

HISTORY = ("patient reports intermittent chest pain for three days worse on exertion and relieved by rest "
           "with associated shortness of breath and nausea . history of hypertension and type two diabetes "
           "on metformin and lisinopril . denies fever or cough . smoker for twenty years . father had a "
           "heart attack at fifty . vitals stable on arrival but pain returned while waiting in triage "
           "and patient appears pale and diaphoretic")

NOTES = [
    ("requests refill of blood pressure medication no complaints", "routine"),
    ("sprained ankle playing football able to bear weight", "routine"),
    ("fever and productive cough for two days", "urgent"),
    ("laceration on left hand bleeding controlled", "urgent"),
    ("sudden weakness on right side and slurred speech", "emergent"),
    (HISTORY, "emergent"),
    ("routine follow up after antibiotics feeling better", "routine"),
    ("severe abdominal pain and vomiting since morning", "urgent"),
]


def write_defaults(path):
    with open(path, "w") as fh:
        json.dump(DEFAULTS, fh, indent=2)


def load_settings(path, args):
    with open(path) as fh:
        settings = json.load(fh)
    overrides = {"epochs": args.epochs, "lr": args.lr, "batch_size": args.batch_size}
    for key, value in overrides.items():
        if value is not None:
            settings["train"][key] = value
    return settings


def build_vocab_file(texts, folder):
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def build_model(enc, tokenizer, n_classes):
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=enc["hidden"],
        num_hidden_layers=enc["layers"],
        num_attention_heads=enc["heads"],
        intermediate_size=enc["ffn"],
        max_position_embeddings=enc["positions"],
        num_labels=n_classes,
    )
    return BertForSequenceClassification(config)


def encode(tokenizer, texts):
    return tokenizer(texts, padding=True, return_tensors="pt")


def batches(rows, size):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def train(settings):
    torch.manual_seed(settings["train"]["seed"])
    acuity = settings["acuity"]
    tokenizer = BertTokenizer(build_vocab_file([t for t, _ in NOTES], WORKDIR))
    model = build_model(settings["encoder"], tokenizer, len(acuity))
    optim = torch.optim.AdamW(model.parameters(), lr=settings["train"]["lr"])
    model.train()
    for epoch in range(settings["train"]["epochs"]):
        total = 0.0
        for chunk in batches(NOTES, settings["train"]["batch_size"]):
            texts = [t for t, _ in chunk]
            target = torch.tensor([acuity.index(level) for _, level in chunk])
            enc = encode(tokenizer, texts)
            out = model(**enc, labels=target)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item()
        print(f"epoch {epoch + 1}: loss {total:.4f}")
    return model, tokenizer


def predict(settings, note):
    model, tokenizer = train(settings)
    model.eval()
    with torch.no_grad():
        logits = model(**encode(tokenizer, [note])).logits
    return settings["acuity"][int(logits.argmax(-1))]


def parse_args(argv):
    parser = argparse.ArgumentParser(description="triage note classifier")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("train", "predict"):
        p = sub.add_parser(name)
        p.add_argument("--epochs", type=int)
        p.add_argument("--lr", type=float)
        p.add_argument("--batch-size", type=int)
        if name == "predict":
            p.add_argument("--note", default="chest pain and shortness of breath")
    return parser.parse_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv or ["train"])
    write_defaults(DEFAULTS_PATH)
    settings = load_settings(DEFAULTS_PATH, args)
    if args.command == "train":
        train(settings)
    else:
        print("acuity:", predict(settings, args.note))


if __name__ == "__main__":
    main()
