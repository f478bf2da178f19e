#!/usr/bin/env python
"""Route vessel maintenance log entries to the right workshop (toy BERT, CPU only).

Usage:
    python case.py                      # runs the baked-in training job below
    triage.py train --max-len 48 ...
    triage.py evaluate --checkpoint out/ --num-labels 4
"""
import argparse
import logging
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainerCallback, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("triage")

WORKSHOPS = ["hull", "propulsion", "electrical", "navigation"]

LOG_ENTRIES = [
    ("pitting found on starboard plating below waterline", "hull"),
    ("barnacle growth heavy near bow thruster tunnel", "hull"),
    ("weld seam weeping at frame forty two", "hull"),
    ("main engine cylinder three exhaust temp high", "propulsion"),
    ("shaft seal leaking oil into stern tube", "propulsion"),
    ("fuel injector pump noisy at low rpm", "propulsion"),
    ("generator two breaker trips under load", "electrical"),
    ("galley switchboard earth fault alarm", "electrical"),
    ("battery bank voltage drops overnight", "electrical"),
    ("gyro compass drifting two degrees per watch", "navigation"),
    ("radar display freezes during heavy rain", "navigation"),
    ("ais transponder not transmitting position", "navigation"),
]


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def write_vocab(texts, out_dir):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(out_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


class LogbookDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        texts = [r[0] for r in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True, max_length=max_len)
        self.targets = [WORKSHOPS.index(r[1]) for r in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.targets[i])
        return item


def build_model(vocab_size, max_len=64, hidden=32, num_labels=2, **_):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=hidden * 2,
                     max_position_embeddings=max(64, max_len), num_labels=num_labels)
    return BertForSequenceClassification(cfg)


def build_training_args(output_dir, epochs, batch_size, lr, seed, **_):
    return TrainingArguments(output_dir=output_dir, num_train_epochs=epochs,
                             per_device_train_batch_size=batch_size, learning_rate=lr,
                             seed=seed, save_strategy="no", logging_steps=2, use_cpu=True,
                             disable_tqdm=True, report_to=[])


class LossEcho(TrainerCallback):
    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs:
            log.info("step %d  loss %.4f", state.global_step, logs["loss"])


def cmd_train(args):
    seed_everything(args.seed)
    workdir = tempfile.mkdtemp(prefix="triage_")
    tok = BertTokenizer(write_vocab([t for t, _ in LOG_ENTRIES], workdir))
    train_ds = LogbookDataset(LOG_ENTRIES, tok, args.max_len)
    model = build_model(vocab_size=tok.vocab_size, **vars(args))
    log.info("model has %d params, %d entries to learn from",
             sum(p.numel() for p in model.parameters()), len(train_ds))
    targs = build_training_args(output_dir=os.path.join(workdir, "run"), **vars(args))
    trainer = Trainer(model=model, args=targs, train_dataset=train_ds, callbacks=[LossEcho()])
    trainer.train()
    log.info("finished, weights kept in %s", workdir)


def cmd_evaluate(args):
    model = BertForSequenceClassification.from_pretrained(args.checkpoint)
    assert model.config.num_labels == args.num_labels, "checkpoint / label set disagree"
    log.info("loaded %s", args.checkpoint)


def make_parser():
    p = argparse.ArgumentParser(prog="triage")
    sub = p.add_subparsers(dest="command", required=True)

    tr = sub.add_parser("train", help="fine-tune the router")
    tr.add_argument("--max-len", type=int, default=32)
    tr.add_argument("--hidden", type=int, default=32)
    tr.add_argument("--num-labels", type=int, default=len(WORKSHOPS))
    tr.add_argument("--epochs", type=float, default=1.0)
    tr.add_argument("--batch-size", type=int, default=4)
    tr.add_argument("--lr", type=float, default=5e-4)
    tr.add_argument("--seed", type=int, default=13)
    tr.set_defaults(func=cmd_train)

    ev = sub.add_parser("evaluate", help="score a saved checkpoint")
    ev.add_argument("--checkpoint", required=True)
    ev.add_argument("--num-labels", type=int, default=len(WORKSHOPS))
    ev.add_argument("--max-len", type=int, default=32)
    ev.set_defaults(func=cmd_evaluate)
    return p


def main(argv=None):
    args = make_parser().parse_args(argv)
    log.info("running %s with %s", args.command, {k: v for k, v in vars(args).items() if k != "func"})
    args.func(args)


if __name__ == "__main__":
    main(["train", "--max-len", "24", "--epochs", "2", "--batch-size", "4"])
