"""Triage tool for tide-gauge maintenance notes.

Fine-tunes a tiny BERT classifier on field-technician notes and evaluates it
on the backlog of longer inspection reports.
"""
import argparse
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CATEGORIES = ["nominal", "biofouling", "sensor_drift", "power_fault"]

TRAIN_NOTES = [
    ("float well clear readings match staff gauge", "nominal"),
    ("barnacles on stilling well intake cleaned with brush", "biofouling"),
    ("radar level offset grew three centimetres since last visit", "sensor_drift"),
    ("solar regulator dead battery below eleven volts", "power_fault"),
    ("routine check logger time synced no issues", "nominal"),
    ("weed growth blocking intake holes readings damped", "biofouling"),
    ("pressure transducer drifting against benchmark levelling", "sensor_drift"),
    ("logger rebooting at night battery not holding charge", "power_fault"),
]

EVAL_NOTES = [
    ("staff gauge and radar agree logger clock fine", "nominal"),
    ("mussels and weed packed inside stilling well intake holes were mostly blocked "
     "and the record shows damped tidal curves for about two weeks before the visit "
     "we cleaned the intake with a brush and flushed the well with fresh water then "
     "compared readings against the staff gauge over one hour and the radar level "
     "agreed within one centimetre afterwards so the data for the blocked period "
     "should be flagged as suspect in the archive and the intake should be checked "
     "again next month because growth in this harbour is fast in late summer", "biofouling"),
    ("battery at ten volts solar panel covered in guano", "power_fault"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(special + words) + "\n")
    return path


def encode(tokenizer, texts, max_len=512, **_):
    return tokenizer(texts, padding=True, truncation=True, max_length=max_len,
                     return_tensors="pt")


def batches(pairs, batch_size):
    for i in range(0, len(pairs), batch_size):
        chunk = pairs[i:i + batch_size]
        yield [t for t, _ in chunk], torch.tensor([CATEGORIES.index(c) for _, c in chunk])


def train(args):
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    vocab_path = write_vocab([t for t, _ in TRAIN_NOTES + EVAL_NOTES])
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=args.max_positions, num_labels=len(CATEGORIES))
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=args.lr)

    model.train()
    for epoch in range(args.epochs):
        pairs = TRAIN_NOTES[:]
        random.shuffle(pairs)
        total = 0.0
        for texts, targets in batches(pairs, args.batch_size):
            enc = encode(tokenizer, texts, **vars(args))
            out = model(**enc, labels=targets)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            total += out.loss.item()
        print(f"[train] epoch {epoch} loss {total:.4f}")

    model.save_pretrained(args.ckpt)
    tokenizer.save_pretrained(args.ckpt)
    print(f"[train] saved checkpoint to {args.ckpt}")


def evaluate(args):
    tokenizer = BertTokenizer.from_pretrained(args.ckpt)
    model = BertForSequenceClassification.from_pretrained(args.ckpt)
    model.eval()
    hits = 0
    with torch.no_grad():
        for texts, targets in batches(EVAL_NOTES, args.batch_size):
            enc = encode(tokenizer, texts, **vars(args))
            preds = model(**enc).logits.argmax(-1)
            hits += (preds == targets).sum().item()
    print(f"[eval] accuracy {hits / len(EVAL_NOTES):.3f}")


def build_parser():
    parser = argparse.ArgumentParser(prog="tidenotes")
    sub = parser.add_subparsers(dest="command", required=True)

    tr = sub.add_parser("train", help="fine-tune on technician notes")
    tr.add_argument("--ckpt", default="tidenotes-ckpt")
    tr.add_argument("--epochs", type=int, default=3)
    tr.add_argument("--batch-size", type=int, default=4)
    tr.add_argument("--lr", type=float, default=3e-4)
    tr.add_argument("--max-len", type=int, default=48)
    tr.add_argument("--max-positions", type=int, default=64)
    tr.add_argument("--seed", type=int, default=7)
    tr.set_defaults(func=train)

    ev = sub.add_parser("evaluate", help="score the inspection backlog")
    ev.add_argument("--ckpt", default="tidenotes-ckpt")
    ev.add_argument("--batch-size", type=int, default=4)
    ev.add_argument("--max-len", type=int, default=48)
    ev.set_defaults(func=evaluate)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    ckpt_dir = os.path.join(tempfile.mkdtemp(), "tidenotes-ckpt")
    main(["train", "--ckpt", ckpt_dir, "--epochs", "1"])
    main(["evaluate", "--ckpt", ckpt_dir, "--batch-size", "2"])
