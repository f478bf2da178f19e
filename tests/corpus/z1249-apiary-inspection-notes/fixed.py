#!/usr/bin/env python
"""Flag hive inspection notes by colony state with a small BERT, trained through Accelerate."""
import argparse
import functools
import os
import random
import tempfile

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

COLONY_STATES = ["queenright", "queenless", "swarm_risk"]

NOTES = [
    ("eggs and young larvae seen on four frames, queen spotted on frame five", 0),
    ("solid brood pattern, calm bees, plenty of stores", 0),
    ("marked queen seen, capped brood across the middle frames", 0),
    ("no eggs no young larvae, bees roaring when opened", 1),
    ("laying workers suspected, multiple eggs per cell on drone comb", 1),
    ("emergency cells drawn on two frames, no queen found", 1),
    ("queen cups charged along bottom bars, brood nest backfilled with nectar", 2),
    ("capped swarm cells on three frames, hive very crowded", 2),
    ("bees bearding at entrance all afternoon, supers full", 2),
    ("queen seen, fresh eggs, added a super for the flow", 0),
    ("requeened last week, cage empty, still no eggs", 1),
    ("many drones and play cups, colony building fast", 2),
]


def make_vocab(rows, folder):
    tokens = set()
    for text, _ in rows:
        tokens.update(text.replace(",", " , ").split())
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted(tokens)]:
            f.write(t + "\n")
    return path


def collate(batch, tokenizer, max_len):
    texts, tags = zip(*batch)
    enc = tokenizer(list(texts), padding="max_length", truncation=True,
                    max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor(tags)
    return dict(enc)


def build_model(vocab_size, hidden=32, layers=1, max_positions=64, **_):
    config = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers,
                        num_attention_heads=2, intermediate_size=hidden * 2,
                        max_position_embeddings=max_positions, num_labels=len(COLONY_STATES))
    return BertForSequenceClassification(config)


def build_loader(tokenizer, max_len=64, batch_size=4, **_):
    rows = NOTES[:]
    random.shuffle(rows)
    fn = functools.partial(collate, tokenizer=tokenizer, max_len=max_len)
    return DataLoader(rows, batch_size=batch_size, shuffle=True, collate_fn=fn)


def run_train(args):
    set_seed(args.seed)
    accelerator = Accelerator(cpu=True)
    scratch = tempfile.mkdtemp(prefix="apiary_")
    tokenizer = BertTokenizer(make_vocab(NOTES, scratch))
    opts = vars(args)

    model = build_model(tokenizer.vocab_size, **opts)
    loader = build_loader(tokenizer, **opts)
    optim = torch.optim.AdamW(model.parameters(), lr=args.lr)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    accelerator.print(f"training on {accelerator.device}, {len(NOTES)} notes, "
                      f"{sum(p.numel() for p in model.parameters())} params")
    model.train()
    for epoch in range(args.epochs):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    accelerator.wait_for_everyone()
    accelerator.unwrap_model(model).save_pretrained(os.path.join(scratch, "hive-bert"))
    tokenizer.save_pretrained(os.path.join(scratch, "hive-bert"))
    accelerator.print("saved to", scratch)


def run_evaluate(args):
    accelerator = Accelerator(cpu=True)
    model = BertForSequenceClassification.from_pretrained(args.model_dir)
    model = accelerator.prepare(model)
    accelerator.print("loaded", args.model_dir)


def get_parser():
    parser = argparse.ArgumentParser(description="hive inspection note classifier")
    subs = parser.add_subparsers(dest="cmd", required=True)

    t = subs.add_parser("train")
    t.add_argument("--max-len", type=int, default=48, help="tokens per note after padding")
    t.add_argument("--max-positions", type=int, default=64)
    t.add_argument("--hidden", type=int, default=32)
    t.add_argument("--layers", type=int, default=1)
    t.add_argument("--batch-size", type=int, default=4)
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--lr", type=float, default=3e-4)
    t.add_argument("--seed", type=int, default=7)
    t.set_defaults(func=run_train)

    e = subs.add_parser("evaluate")
    e.add_argument("--model-dir", required=True)
    e.add_argument("--max-len", type=int, default=48)
    e.set_defaults(func=run_evaluate)
    return parser


def main(argv=None):
    args = get_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main(["train", "--max-len", "64", "--batch-size", "4", "--epochs", "2"])
