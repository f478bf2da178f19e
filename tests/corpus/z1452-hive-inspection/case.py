"""Fine-tune a tiny BERT to triage apiary inspection notes into colony states.

Training goes through transformers.Trainer; batch preparation and bookkeeping run
through our own little hook/callback layer so the same callbacks can be reused
with the hand-rolled loop in the field-tablet app.
"""
import os
import random
import tempfile

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainerCallback, TrainingArguments)

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

NOTES = [
    ("eggs and young larvae seen on three frames queen spotted", "queen_present"),
    ("marked queen walking on frame five brood pattern solid", "queen_present"),
    ("no eggs no larvae bees roaring when lid opened", "queenless"),
    ("laying workers suspected multiple eggs per cell", "queenless"),
    ("capped queen cells along bottom bars colony crowded", "swarming"),
    ("half the bees gone clustered on nearby branch", "swarming"),
    ("fighting at entrance wax cappings torn on honey frames", "robbing"),
    ("frantic bees at entrance shredded cappings on floor", "robbing"),
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(
    {w for text, _ in NOTES for w in text.split()})


class LabelVocab:
    """Maps colony-state strings to ids, growing as new states show up."""

    def __init__(self, known=("queen_present", "queenless", "swarming")):
        self.known = list(known)

    def encode(self, name):
        if name not in self.known:
            self.known.append(name)
        return self.known.index(name)

    def on_batch(self, batch):
        batch["labels"] = torch.tensor([self.encode(s) for s in batch.pop("state")])
        return batch


class Tokenize:
    def __init__(self, tokenizer, max_length=24):
        self.tok = tokenizer
        self.max_length = max_length

    def on_batch(self, batch):
        enc = self.tok(batch.pop("text"), padding="max_length", truncation=True,
                       max_length=self.max_length, return_tensors="pt")
        batch.update(enc)
        return batch


class EpochLogger:
    def on_epoch_start(self, state):
        print(f"[hooks] epoch {state.epoch or 0:.0f} starting")

    def on_eval(self, state, metrics):
        print(f"[hooks] eval -> {metrics}")


class HookRunner:
    """Dispatches named events to whichever callbacks implement them."""

    def __init__(self, callbacks):
        self.callbacks = callbacks

    def fire(self, event, *args):
        for cb in self.callbacks:
            fn = getattr(cb, event, None)
            if fn is not None:
                out = fn(*args)
                if event == "on_batch":
                    args = (out,)
        return args[0] if args else None

    def collate(self, rows):
        batch = {"text": [r["text"] for r in rows], "state": [r["state"] for r in rows]}
        return self.fire("on_batch", batch)


class Bridge(TrainerCallback):
    def __init__(self, runner):
        self.runner = runner

    def on_epoch_begin(self, args, state, control, **kw):
        self.runner.fire("on_epoch_start", state)

    def on_evaluate(self, args, state, control, metrics=None, **kw):
        self.runner.fire("on_eval", state, metrics)


def build_tokenizer():
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(path)


def main():
    tokenizer = build_tokenizer()
    labels = LabelVocab()
    runner = HookRunner([Tokenize(tokenizer), labels, EpochLogger()])

    config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(labels.known))
    model = BertForSequenceClassification(config)
    print(f"model heads: {config.num_labels} colony states")

    rows = [{"text": t, "state": s} for t, s in NOTES]
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                             num_train_epochs=2, learning_rate=5e-4, logging_steps=1,
                             save_strategy="no", disable_tqdm=True, report_to=[],
                             remove_unused_columns=False, use_cpu=True)
    trainer = Trainer(model=model, args=args, train_dataset=rows,
                      data_collator=runner.collate, callbacks=[Bridge(runner)])
    result = trainer.train()
    print("final train loss:", round(result.training_loss, 4))
    print("label map:", dict(enumerate(labels.known)))


if __name__ == "__main__":
    main()
