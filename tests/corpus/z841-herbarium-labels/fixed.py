"""Herbarium specimen label triage: predict the storage cabinet from the transcribed label.

Labels are transcribed with field markers ([COLL] collector, [LOC] locality, [HAB] habitat)
so the model can tell which part of the sheet a phrase came from. Components are
decoupled through an event bus; training runs under Accelerate.
"""
import functools
import os
import tempfile
from collections import defaultdict

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)


class EventBus:
    def __init__(self):
        self._subs = defaultdict(list)

    def subscribe(self, name, fn):
        self._subs[name].append(fn)

    def emit(self, name, **payload):
        for fn in self._subs[name]:
            fn(**payload)


bus = EventBus()
shared = {}

CABINETS = ["pressed", "spirit", "carpological"]
FIELD_MARKERS = ["[COLL]", "[LOC]", "[HAB]"]
SHEETS = [
    {"coll": "smith", "loc": "ridge north slope", "hab": "dry grassland", "cab": "pressed"},
    {"coll": "okafor", "loc": "river delta", "hab": "wet marsh orchid flower", "cab": "spirit"},
    {"coll": "lindqvist", "loc": "coastal dunes", "hab": "seed pods and fruit", "cab": "carpological"},
    {"coll": "smith", "loc": "valley floor", "hab": "meadow herb", "cab": "pressed"},
    {"coll": "okafor", "loc": "lake shore", "hab": "aquatic flower", "cab": "spirit"},
    {"coll": "lindqvist", "loc": "ridge south slope", "hab": "large fruit cones", "cab": "carpological"},
    {"coll": "mbeki", "loc": "forest edge", "hab": "fern frond", "cab": "pressed"},
    {"coll": "mbeki", "loc": "river delta", "hab": "fleshy fruit", "cab": "carpological"},
]


def render(sheet):
    return f"[COLL] {sheet['coll']} [LOC] {sheet['loc']} [HAB] {sheet['hab']}"


def on_start(workdir):
    words = sorted({w for s in SHEETS for w in render(s).split() if w not in FIELD_MARKERS})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(path)
    tok.add_special_tokens({"additional_special_tokens": FIELD_MARKERS})
    print(f"tokenizer ready: base vocab {tok.vocab_size}, markers {FIELD_MARKERS}")
    bus.emit("tokenizer_ready", tok=tok)


def collate(batch, tok):
    enc = tok([render(s) for s in batch], padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([CABINETS.index(s["cab"]) for s in batch])
    return dict(enc)


def on_tokenizer_ready(tok):
    loader = DataLoader(SHEETS, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate, tok=tok))
    shared["loader"] = loader
    bus.emit("data_ready", tok=tok)


def on_data_ready(tok):
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(CABINETS))
    shared["model"] = BertForSequenceClassification(cfg)
    bus.emit("model_ready")


def on_model_ready():
    acc = Accelerator(cpu=True)
    optim = torch.optim.AdamW(shared["model"].parameters(), lr=1e-3)
    model, optim, loader = acc.prepare(shared["model"], optim, shared["loader"])
    model.train()
    for epoch in range(3):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            acc.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
            bus.emit("step_done", epoch=epoch, step=step, loss=out.loss.item())
        bus.emit("epoch_done", epoch=epoch, mean_loss=running / len(loader))


def on_epoch_done(epoch, mean_loss):
    print(f"epoch {epoch}: mean loss {mean_loss:.4f}")


bus.subscribe("start", on_start)
bus.subscribe("tokenizer_ready", on_tokenizer_ready)
bus.subscribe("data_ready", on_data_ready)
bus.subscribe("model_ready", on_model_ready)
bus.subscribe("epoch_done", on_epoch_done)

if __name__ == "__main__":
    bus.emit("start", workdir=tempfile.mkdtemp())
