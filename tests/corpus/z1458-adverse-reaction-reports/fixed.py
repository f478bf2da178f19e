"""Seriousness triage for spontaneous adverse drug reaction reports.

Wraps accelerate in a small Engine so the same callbacks work on the laptop and on the cluster.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(11)

ACCUM_STEPS = 6
SERIOUSNESS = ["non_serious", "serious", "unrelated"]
REPORTS = [
    ("patient hospitalised with severe rash after first dose", 1),
    ("mild headache resolved without treatment", 0),
    ("anaphylaxis requiring adrenaline in emergency room", 1),
    ("nausea for two days then recovered", 0),
    ("fall at home unrelated to medication", 2),
    ("liver enzymes tripled and drug withdrawn", 1),
    ("slight dizziness in the morning", 0),
    ("car accident reported no link to therapy", 2),
    ("seizure on day three admitted to ward", 1),
    ("dry mouth noted at follow up", 0),
    ("broken wrist after sports injury", 2),
    ("kidney failure and dialysis started", 1),
    ("itching at injection site", 0),
    ("flu symptoms during outbreak unrelated", 2),
]


def write_vocab(texts):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokens += sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


class DeviceMover:
    def on_batch(self, engine, ctx):
        ctx["batch"] = {k: t.to(engine.accelerator.device) for k, t in ctx["batch"].items()}


class MicroBatchWeights:
    """Per-micro-step loss weights inside one accumulation window (uniform for now)."""

    def __init__(self, window=4):
        self.weights = torch.full((window,), 1.0 / window)

    def on_batch(self, engine, ctx):
        ctx["loss_scale"] = self.weights[engine.micro_step]


class LossLogger:
    def on_epoch_start(self, engine, epoch):
        self.seen = []

    def on_optimizer_step(self, engine, loss_value):
        self.seen.append(loss_value)
        print(f"  update {engine.updates}: window loss {loss_value:.4f}")


class Engine:
    def __init__(self, model, optimizer, train_dl, callbacks, accumulate_every=1, epochs=1):
        self.accelerator = Accelerator(cpu=True)
        self.model, self.optimizer, self.train_dl = self.accelerator.prepare(model, optimizer, train_dl)
        self.callbacks = callbacks
        self.accumulate_every = accumulate_every
        self.epochs = epochs
        self.micro_step = 0
        self.updates = 0

    def emit(self, event, *payload):
        for cb in self.callbacks:
            fn = getattr(cb, event, None)
            if callable(fn):
                fn(self, *payload)

    def _update(self, window_loss):
        self.optimizer.step()
        self.optimizer.zero_grad()
        self.updates += 1
        self.emit("on_optimizer_step", window_loss)

    def run(self):
        self.model.train()
        for epoch in range(self.epochs):
            self.emit("on_epoch_start", epoch)
            window_loss = 0.0
            for step, batch in enumerate(self.train_dl):
                self.micro_step = step % self.accumulate_every
                ctx = {"batch": batch, "loss_scale": 1.0}
                self.emit("on_batch", ctx)
                b = ctx["batch"]
                logits = self.model(input_ids=b["input_ids"], attention_mask=b["attention_mask"]).logits
                loss = F.cross_entropy(logits, b["target"]) * ctx["loss_scale"]
                self.accelerator.backward(loss)
                window_loss += loss.item()
                if self.micro_step == self.accumulate_every - 1:
                    self._update(window_loss)
                    window_loss = 0.0
            if self.micro_step != self.accumulate_every - 1:
                self._update(window_loss)


tokenizer = BertTokenizer(write_vocab([r for r, _ in REPORTS]))
cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                 num_labels=len(SERIOUSNESS))
net = BertForSequenceClassification(cfg)


def collate(rows):
    enc = tokenizer([text for text, _ in rows], padding=True, return_tensors="pt")
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
            "target": torch.tensor([y for _, y in rows])}


loader = DataLoader(REPORTS, batch_size=2, shuffle=True, collate_fn=collate)
opt = torch.optim.AdamW(net.parameters(), lr=3e-4)
callbacks = [DeviceMover(), MicroBatchWeights(window=ACCUM_STEPS), LossLogger()]
engine = Engine(net, opt, loader, callbacks, accumulate_every=ACCUM_STEPS, epochs=2)
engine.run()
print("updates done:", engine.updates)
