"""Tag tokens in transcribed 18th-century apothecary recipes.

Tags: O, QTY (quantities), UNIT (drachm, scruple...), DRUG (ingredients).
Plain PyTorch: embedding + small transformer encoder + per-token classifier.
"""
import contextlib
import functools
import random
import time

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

random.seed(3)
torch.manual_seed(3)

TAGS = ["O", "QTY", "UNIT", "DRUG"]
TAGGERS = {}

RECIPES = [
    "take two drachms of rhubarb and one scruple of saffron",
    "of camphor half an ounce mix with honey",
    "boil three ounces of senna in wine",
    "add one grain of opium to the syrup",
    "take of wormwood two handfuls and of sage one handful",
    "mix four drachms of myrrh with rosewater",
]
QTY = {"two", "one", "half", "three", "four", "an"}
UNIT = {"drachms", "scruple", "ounce", "ounces", "grain", "handfuls", "handful"}
DRUG = {"rhubarb", "saffron", "camphor", "honey", "senna", "opium", "wormwood", "sage", "myrrh", "rosewater"}


def register(name):
    def wrap(cls):
        TAGGERS[name] = cls
        return cls
    return wrap


def timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        res = fn(*args, **kwargs)
        print(f"{fn.__name__} finished in {time.perf_counter() - t:.2f}s")
        return res
    return wrapper


def with_no_grad(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with torch.no_grad():
            return fn(*args, **kwargs)
    return wrapper


def log_shapes(fn):
    @functools.wraps(fn)
    def wrapper(*tensors, **kwargs):
        print(f"  {fn.__name__}: " + " ".join(str(tuple(t.shape)) for t in tensors if torch.is_tensor(t)))
        return fn(*tensors, **kwargs)
    return wrapper


@contextlib.contextmanager
def inference(model):
    model.eval()
    try:
        yield
    finally:
        model.train()


def tag_of(word):
    if word in QTY:
        return 1
    if word in UNIT:
        return 2
    if word in DRUG:
        return 3
    return 0


vocab = {"<pad>": 0, "<unk>": 1}
for r in RECIPES:
    for w in r.split():
        vocab.setdefault(w, len(vocab))


def batches(recipes, size):
    order = list(range(len(recipes)))
    random.shuffle(order)
    for i in range(0, len(order), size):
        chunk = [recipes[j].split() for j in order[i:i + size]]
        ids = [torch.tensor([vocab.get(w, 1) for w in words]) for words in chunk]
        tags = [torch.tensor([tag_of(w) for w in words]) for words in chunk]
        yield pad_sequence(ids, batch_first=True), pad_sequence(tags, batch_first=True, padding_value=-100)


@register("encoder")
class EncoderTagger(nn.Module):
    def __init__(self, n_vocab, n_tags, dim=32):
        super().__init__()
        self.emb = nn.Embedding(n_vocab, dim, padding_idx=0)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.out = nn.Linear(dim, n_tags)

    def forward(self, token_ids):
        h = self.enc(self.emb(token_ids), src_key_padding_mask=token_ids.eq(0))
        return self.out(h)


@log_shapes
def tagging_loss(scores, gold, criterion):
    return criterion(scores, gold)


@timed
def train(model, epochs=5):
    criterion = nn.CrossEntropyLoss(ignore_index=-100)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for ep in range(epochs):
        total = 0.0
        for tok_ids, gold in batches(RECIPES, size=3):
            scores = model(tok_ids).transpose(1, 2)
            loss = tagging_loss(scores, gold, criterion)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {ep} loss {total:.3f}")


@with_no_grad
def tag_sentence(model, sentence):
    with inference(model):
        ids = torch.tensor([[vocab.get(w, 1) for w in sentence.split()]])
        pred = model(ids).argmax(-1)[0].tolist()
    return list(zip(sentence.split(), (TAGS[p] for p in pred)))


def main():
    model = TAGGERS["encoder"](len(vocab), len(TAGS))
    print(f"vocab size {len(vocab)}, tags {TAGS}")
    train(model)
    print(tag_sentence(model, "take one ounce of saffron"))


if __name__ == "__main__":
    main()
