"""Triage-note urgency classifier: tiny BERT trained from scratch on ward notes."""
import argparse
import json
import os
import random
import sys
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

WORKDIR = os.path.join(tempfile.gettempdir(), "triage_notes_demo")
DEFAULTS_PATH = os.path.join(WORKDIR, "triage_defaults.json")

DEFAULTS = {
    "max_positions": 48,
    "note_max_tokens": 128,
    "hidden": 32,
    "heads": 2,
    "layers": 1,
    "batch_size": 4,
    "epochs": 1,
    "lr": 3e-4,
    "seed": 7,
}

TERMS = ["patient", "reports", "chest", "pain", "fever", "since", "morning", "denies", "nausea",
         "shortness", "of", "breath", "stable", "vitals", "bp", "elevated", "history", "diabetes",
         "asthma", "cough", "mild", "severe", "dizziness", "fall", "headache", "no", "acute", "distress"]
URGENCY = ["routine", "soon", "urgent"]


def write_defaults(path=DEFAULTS_PATH):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(DEFAULTS, fh, indent=2)
    return path


def load_settings(path, cli):
    with open(path) as fh:
        settings = json.load(fh)
    for key, value in vars(cli).items():
        if value is not None and key in settings:
            settings[key] = value
    return settings


def write_vocab(folder):
    vocab_path = os.path.join(folder, "ward_vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(specials + TERMS) + "\n")
    return vocab_path


def synth_notes(n, rng):
    notes, grades = [], []
    for i in range(n):
        length = rng.randint(12, 70)
        notes.append(" ".join(rng.choice(TERMS) for _ in range(length)))
        grades.append(i % len(URGENCY))
    return notes, grades


def build_model(settings, vocab_size):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=settings["hidden"],
        num_hidden_layers=settings["layers"],
        num_attention_heads=settings["heads"],
        intermediate_size=settings["hidden"] * 2,
        max_position_embeddings=settings["max_positions"],
        num_labels=len(URGENCY),
    )
    return BertForSequenceClassification(cfg)


def encode_batch(tokenizer, notes, settings):
    return tokenizer(
        notes,
        padding=True,
        truncation=True,
        max_length=settings["max_positions"],
        return_tensors="pt",
    )


def run_train(settings):
    rng = random.Random(settings["seed"])
    torch.manual_seed(settings["seed"])
    tokenizer = BertTokenizer(write_vocab(WORKDIR))
    model = build_model(settings, len(tokenizer))
    notes, grades = synth_notes(16, rng)
    optim = torch.optim.AdamW(model.parameters(), lr=settings["lr"])
    model.train()
    bs = settings["batch_size"]
    for epoch in range(settings["epochs"]):
        total = 0.0
        for start in range(0, len(notes), bs):
            enc = encode_batch(tokenizer, notes[start:start + bs], settings)
            target = torch.tensor(grades[start:start + bs])
            out = model(**enc, labels=target)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")
    return model


def run_inspect(settings):
    tokenizer = BertTokenizer(write_vocab(WORKDIR))
    notes, _ = synth_notes(4, random.Random(settings["seed"]))
    enc = encode_batch(tokenizer, notes, settings)
    print("encoded shape:", tuple(enc["input_ids"].shape))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train")
    train.add_argument("--epochs", type=int)
    train.add_argument("--batch-size", dest="batch_size", type=int)
    train.add_argument("--lr", type=float)
    inspect = sub.add_parser("inspect")
    inspect.add_argument("--seed", type=int)
    return parser.parse_args(argv)


def main(argv=None):
    cli = parse_args(sys.argv[1:] if argv is None else argv)
    settings = load_settings(write_defaults(), cli)
    if cli.command == "train":
        run_train(settings)
    else:
        run_inspect(settings)


if __name__ == "__main__":
    if len(sys.argv) == 1:
        sys.argv += ["train", "--epochs", "2"]
    main()
