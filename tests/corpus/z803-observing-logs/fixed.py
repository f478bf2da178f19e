# Guess the object class from amateur astronomers' observing-log entries.
# Small BERT trained from scratch, max-pooled token states -> linear classifier.
import contextlib
import functools
import os
import tempfile
import time

import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(2024)

POOLERS = {}


def register(name):
    def deco(fn):
        POOLERS[name] = fn
        return fn
    return deco


def timed(fn):
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        t0 = time.monotonic()
        result = fn(*args, **kwargs)
        print(f"<{fn.__name__}> {time.monotonic() - t0:.2f}s")
        return result
    return wrapped


def with_no_grad(fn):
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        with torch.no_grad():
            return fn(*args, **kwargs)
    return wrapped


def log_shapes(fn):
    @functools.wraps(fn)
    def wrapped(states, pad_positions):
        print(f"  {fn.__name__}: states{tuple(states.shape)} pad{tuple(pad_positions.shape)}")
        return fn(states, pad_positions)
    return wrapped


@contextlib.contextmanager
def frozen(model):
    model.eval()
    yield model
    model.train()


LOG = [
    ("faint fuzzy oval core brighter averted vision helps", "galaxy"),
    ("spiral arms hinted dust lane visible at 200x", "galaxy"),
    ("greenish disc with oiii filter ring shape obvious", "nebula"),
    ("large glow around stars uhc filter shows dark lanes", "nebula"),
    ("split cleanly at 120x yellow and blue components", "double"),
    ("tight pair needs steady seeing primary white", "double"),
    ("resolved to the core hundreds of stars", "cluster"),
    ("loose scattering of bright stars fills the field", "cluster"),
]
CLASSES = sorted({c for _, c in LOG})


def make_tokenizer():
    words = sorted({w for text, _ in LOG for w in text.split()})
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_path)


def collate(rows, tokenizer):
    texts, cls = zip(*rows)
    enc = tokenizer(list(texts), padding=True, truncation=True, max_length=24, return_tensors="pt")
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "pad_positions": enc["attention_mask"] == 0,
        "target": torch.tensor([CLASSES.index(c) for c in cls]),
    }


@register("max")
@log_shapes
def max_pool(states, pad_positions):
    return states.masked_fill(pad_positions.unsqueeze(-1), -1e4).max(dim=1).values


class LogClassifier(nn.Module):
    def __init__(self, cfg, n_classes, pooling="max"):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.pool = POOLERS[pooling]
        self.head = nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, input_ids, attention_mask, pad_positions, **_):
        states = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.pool(states, pad_positions))


@timed
def train(model, loader, epochs=4):
    opt = torch.optim.AdamW(model.parameters(), lr=4e-4)
    for ep in range(epochs):
        running = 0.0
        for batch in loader:
            logits = model(**batch)
            loss = nn.functional.cross_entropy(logits, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {ep + 1}/{epochs} loss={running / len(loader):.4f}")


@timed
@with_no_grad
def evaluate(model, loader):
    hits = n = 0
    with frozen(model):
        for batch in loader:
            hits += (model(**batch).argmax(-1) == batch["target"]).sum().item()
            n += len(batch["target"])
    return hits / n


def main():
    tok = make_tokenizer()
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    loader = DataLoader(LOG, batch_size=4, shuffle=True, collate_fn=functools.partial(collate, tokenizer=tok))
    model = LogClassifier(cfg, len(CLASSES))
    train(model, loader)
    print(f"train accuracy: {evaluate(model, loader):.2f}")


if __name__ == "__main__":
    main()
