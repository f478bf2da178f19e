"""Readability regressor: bag-of-words encoder predicting a grade-level score (Accelerate)."""
from itertools import islice

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator

PASSAGES = [
    ("The cat sat on the mat.", 1.5),
    ("We went to the park and played ball.", 2.0),
    ("Photosynthesis converts light energy into chemical energy.", 7.5),
    ("The committee postponed its decision until further notice.", 9.0),
    ("Dogs like to run.", 1.0),
    ("Interest rates influence borrowing costs across the economy.", 10.5),
    ("She read a book under the big tree.", 2.5),
    ("Mitochondria regulate cellular metabolism and apoptosis.", 12.0),
    ("The river flows to the sea.", 3.0),
    ("Legislators debated the constitutional implications at length.", 13.0),
]
texts = [t for t, _ in PASSAGES]
grades = [g for _, g in PASSAGES]

vocab = {}
for t in texts:
    for w in t.lower().rstrip(".").split():
        vocab.setdefault(w, len(vocab))


def encode(chunk):
    flat, offsets = [], []
    for t in chunk:
        offsets.append(len(flat))
        flat.extend(vocab[w] for w in t.lower().rstrip(".").split())
    return torch.tensor(flat), torch.tensor(offsets)


def make_batches(texts, grades, batch_size):
    it = iter(texts)
    while True:
        chunk = list(islice(it, batch_size))
        if not chunk:
            break
        ys = torch.tensor(list(islice(grades, batch_size)), dtype=torch.float32)
        yield (*encode(chunk), ys)


class ReadabilityRegressor(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.Tanh(), nn.Linear(dim, 1))

    def forward(self, flat, offsets):
        return self.head(self.bag(flat, offsets)).squeeze(-1)


accelerator = Accelerator(cpu=True)
torch.manual_seed(7)
model = ReadabilityRegressor(len(vocab))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
model, optimizer = accelerator.prepare(model, optimizer)

for epoch in range(4):
    losses = []
    for flat, offsets, target in make_batches(texts, grades, batch_size=4):
        pred = model(flat, offsets)
        loss = F.mse_loss(pred, target)
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    accelerator.print(f"epoch {epoch} mse={sum(losses) / len(losses):.3f}")
