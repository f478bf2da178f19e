"""Classify beekeeper hive-inspection notes into colony status buckets.

Tiny BERT from scratch, hand-written training loop. Notes come from the
spring inspection round of the co-op's out-apiaries.
"""
import contextlib
import functools
import os
import tempfile
import time

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

HEADS = {}


def register(name):
    def deco(cls):
        HEADS[name] = cls
        return cls
    return deco


def timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        print(f"[timed] {fn.__name__} took {time.perf_counter() - t0:.3f}s")
        return out
    return wrapper


def with_no_grad(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with torch.no_grad():
            return fn(*args, **kwargs)
    return wrapper


def log_shapes(fn):
    @functools.wraps(fn)
    def wrapper(model, batch, *args, **kwargs):
        desc = {k: tuple(v.shape) for k, v in batch.items() if torch.is_tensor(v)}
        print(f"[shapes] {fn.__name__}: {desc}")
        return fn(model, batch, *args, **kwargs)
    return wrapper


@contextlib.contextmanager
def eval_mode(model):
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


NOTES = [
    ("queen seen eggs and larvae brood pattern solid", "healthy"),
    ("no queen no eggs emergency cells on frame four", "queenless"),
    ("varroa mites on drone brood", "mites"),
    ("brood pattern solid honey flow started supers added", "healthy"),
    ("capped queen cells on bottom bars colony crowded", "swarming"),
    ("mites counted on sugar roll deformed wings seen", "mites"),
    ("queenless roar no eggs", "queenless"),
    ("swarm cells and crowded frames", "swarming"),
]
STATUSES = sorted({s for _, s in NOTES})
WORDS = sorted({w for text, _ in NOTES for w in text.split()})


def build_tokenizer():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS))
    return BertTokenizer(path)


@register("pooled")
class PooledHead(torch.nn.Module):
    def __init__(self, encoder, n_out):
        super().__init__()
        self.encoder = encoder
        self.proj = torch.nn.Linear(encoder.config.hidden_size, n_out)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.proj(hidden[:, 0])


def encode(tokenizer, texts, targets=None):
    enc = tokenizer(texts, padding=True, truncation=True, max_length=32)
    batch = {
        "input_ids": torch.tensor(enc["input_ids"]),
        "attention_mask": torch.tensor(enc["attention_mask"]),
    }
    if targets is not None:
        batch["targets"] = torch.tensor([STATUSES.index(t) for t in targets])
    return batch


@log_shapes
def train_step(model, batch, optimizer):
    logits = model(batch["input_ids"], batch["attention_mask"])
    loss = torch.nn.functional.cross_entropy(logits, batch["targets"])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


@timed
def fit(model, tokenizer, epochs=3, bs=4):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for ep in range(epochs):
        losses = []
        for i in range(0, len(NOTES), bs):
            chunk = NOTES[i:i + bs]
            batch = encode(tokenizer, [t for t, _ in chunk], [s for _, s in chunk])
            losses.append(train_step(model, batch, opt))
        print(f"epoch {ep}: mean loss {sum(losses) / len(losses):.4f}")


@timed
@with_no_grad
def predict(model, tokenizer, texts):
    with eval_mode(model):
        batch = encode(tokenizer, texts)
        logits = model(batch["input_ids"], batch["attention_mask"])
    return [STATUSES[i] for i in logits.argmax(-1).tolist()]


def main():
    tok = build_tokenizer()
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = HEADS["pooled"](BertModel(cfg), len(STATUSES))
    print(f"statuses: {STATUSES}, vocab: {tok.vocab_size}")
    fit(model, tok)
    for note, status in zip(["eggs and larvae seen", "mites on drone brood"],
                            predict(model, tok, ["eggs and larvae seen", "mites on drone brood"])):
        print(f"{note!r} -> {status}")


if __name__ == "__main__":
    main()
