"""Route ferry dispatch radio transcripts to the right desk with a tiny BERT classifier.

Handlers are wired through a small event bus: one prepares the data, one builds the
model, one trains, one logs metrics coming back from the Trainer callback.
"""
import os
import random
import tempfile
from collections import defaultdict

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainerCallback, TrainingArguments)

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)


class EventBus:
    def __init__(self):
        self.handlers = defaultdict(list)

    def subscribe(self, name, fn):
        self.handlers[name].append(fn)

    def emit(self, name, **payload):
        for fn in list(self.handlers[name]):
            fn(**payload)


bus = EventBus()
ctx = {}

DESKS = ["berthing", "cargo", "medical", "passenger", "weather"]
TRANSCRIPTS = [
    ("requesting berth two on arrival ten minutes out", "berthing"),
    ("vehicle deck lashing loose on lane four", "cargo"),
    ("passenger collapsed on upper deck need medic", "medical"),
    ("lost child reported at cafeteria", "passenger"),
    ("gale warning issued holding at pier", "weather"),
    ("berth occupied please hold position", "berthing"),
    ("truck load shifted during crossing", "cargo"),
    ("crew member injured hand on ramp", "medical"),
    ("passenger complaint about cabin noise", "passenger"),
    ("fog reducing visibility below one mile", "weather"),
    ("tug assistance required for berth", "berthing"),
    ("hazardous cargo manifest missing", "cargo"),
]


class DispatchSet(Dataset):
    def __init__(self, rows, tokenizer, desk_ids, max_len=24):
        enc = tokenizer([t for t, _ in rows], padding="max_length", truncation=True,
                        max_length=max_len, return_tensors="pt")
        self.ids = enc["input_ids"]
        self.attn = enc["attention_mask"]
        self.desk = torch.tensor([desk_ids[d] for _, d in rows])

    def __len__(self):
        return len(self.desk)

    def __getitem__(self, i):
        return {"input_ids": self.ids[i], "attention_mask": self.attn[i], "labels": self.desk[i]}


def prepare_data(workdir):
    words = sorted({w for t, _ in TRANSCRIPTS for w in t.split()})
    vocab_file = os.path.join(workdir, "vocab.txt")
    with open(vocab_file, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_file)
    desk_ids = {d: ch for ch, d in enumerate(DESKS, start=1)}
    rows = TRANSCRIPTS[:]
    random.shuffle(rows)
    ctx["tokenizer"] = tok
    print(f"[data] {len(rows)} transcripts, vocab {tok.vocab_size}, desks {desk_ids}")
    bus.emit("data_ready", train_set=DispatchSet(rows, tok, desk_ids), n_desks=len(DESKS))


def build_model(train_set, n_desks):
    cfg = BertConfig(vocab_size=ctx["tokenizer"].vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=n_desks)
    model = BertForSequenceClassification(cfg)
    print(f"[model] {sum(p.numel() for p in model.parameters())} params, {cfg.num_labels} labels")
    bus.emit("model_ready", model=model, train_set=train_set)


class BusCallback(TrainerCallback):
    def on_log(self, args, state, control, logs=None, **kwargs):
        bus.emit("metrics", step=state.global_step, logs=logs or {})


def train(model, train_set):
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=2,
                             per_device_train_batch_size=4, learning_rate=5e-4, logging_steps=1,
                             save_strategy="no", use_cpu=True, disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=train_set, callbacks=[BusCallback()])
    result = trainer.train()
    bus.emit("trained", loss=result.training_loss)


def log_metrics(step, logs):
    if "loss" in logs:
        print(f"[metrics] step {step:3d} loss {logs['loss']:.4f}")


def report(loss):
    print(f"[done] final training loss {loss:.4f}")


bus.subscribe("start", prepare_data)
bus.subscribe("data_ready", build_model)
bus.subscribe("model_ready", train)
bus.subscribe("metrics", log_metrics)
bus.subscribe("trained", report)

if __name__ == "__main__":
    bus.emit("start", workdir=tempfile.mkdtemp())
