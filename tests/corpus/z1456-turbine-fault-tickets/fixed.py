"""Fault-category tagging for wind-turbine maintenance tickets.

Small in-house loop (LoopRunner) with pluggable callbacks; we use it for the
quick nightly sanity runs before the real fine-tune.
"""
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

FAULT_TYPES = ["gearbox", "blade", "electrical", "yaw"]
TICKETS = [
    ("grinding noise from gearbox during high wind", 0),
    ("oil temperature high in gearbox bearing", 0),
    ("crack found on blade leading edge", 1),
    ("blade pitch angle drifts after storm", 1),
    ("converter trips on grid fault", 2),
    ("generator winding insulation alarm", 2),
    ("yaw motor fails to track wind direction", 3),
    ("yaw brake pads worn and squealing", 3),
    ("gearbox vibration above limit on shaft", 0),
    ("lightning damage on blade tip", 1),
    ("transformer breaker opened twice overnight", 2),
    ("nacelle stuck off wind yaw drive error", 3),
]


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class Callback:
    def on_fit_start(self, runner): ...
    def on_epoch_start(self, runner, epoch): ...
    def on_batch(self, runner, batch): ...
    def on_eval(self, runner, logits, batch): ...


class ToDevice(Callback):
    def on_batch(self, runner, batch):
        for k, v in batch.items():
            batch[k] = v.to(runner.device)


class PredictionHistogram(Callback):
    """Keeps a running count of predicted classes to spot collapse onto one class."""

    def on_fit_start(self, runner):
        self.pred_hist = torch.zeros(runner.cfg["num_classes"])

    def on_epoch_start(self, runner, epoch):
        self.pred_hist.zero_()

    def on_eval(self, runner, logits, batch):
        guesses = logits.argmax(dim=-1).cpu()
        self.pred_hist.index_add_(0, guesses, torch.ones(len(guesses)))
        share = (self.pred_hist / self.pred_hist.sum()).tolist()
        print("  predicted class share:", [round(s, 2) for s in share])


class LoopRunner:
    DEFAULTS = {"epochs": 1, "lr": 5e-4, "num_classes": 2, "device": "cpu"}

    def __init__(self, model, callbacks, **overrides):
        self.cfg = {**self.DEFAULTS, **overrides}
        self.model = model
        self.device = torch.device(self.cfg["device"])
        self.callbacks = callbacks
        self.opt = torch.optim.AdamW(model.parameters(), lr=self.cfg["lr"])

    def fire(self, event, *args):
        for cb in self.callbacks:
            getattr(cb, event)(self, *args)

    def fit(self, train_dl, eval_dl):
        self.fire("on_fit_start")
        for epoch in range(self.cfg["epochs"]):
            self.fire("on_epoch_start", epoch)
            self.model.train()
            for batch in train_dl:
                self.fire("on_batch", batch)
                out = self.model(**batch)
                out.loss.backward()
                self.opt.step()
                self.opt.zero_grad()
            print(f"epoch {epoch}: last train loss {out.loss.item():.4f}")
            self.model.eval()
            with torch.no_grad():
                for batch in eval_dl:
                    self.fire("on_batch", batch)
                    logits = self.model(**batch).logits
                    self.fire("on_eval", logits, batch)


def make_collate(tok):
    def collate(rows):
        enc = tok([r[0] for r in rows], padding=True, return_tensors="pt")
        enc = dict(enc)
        enc["labels"] = torch.tensor([r[1] for r in rows])
        return enc
    return collate


tok = build_tokenizer([t for t, _ in TICKETS])
config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64,
                    max_position_embeddings=64, num_labels=len(FAULT_TYPES))
model = BertForSequenceClassification(config)

collate = make_collate(tok)
train_dl = DataLoader(TICKETS, batch_size=4, shuffle=True, collate_fn=collate)
eval_dl = DataLoader(TICKETS, batch_size=6, collate_fn=collate)

runner = LoopRunner(model, [ToDevice(), PredictionHistogram()], epochs=3,
                    num_classes=len(FAULT_TYPES))
runner.fit(train_dl, eval_dl)
print("done")
