"""Stance detection DataLoader: rows come straight from a CSV reader (label column is text)."""
import csv
import io

import torch
from torch.utils.data import DataLoader

torch.manual_seed(0)
CSV_TEXT = """text,stance
we must act on climate now,favor
the tax will hurt farmers,against
the vote is on monday,none
renewables create jobs,favor
"""
STANCES = ["favor", "against", "none"]


def encode(text, max_len=8, vocab_size=500):
    ids = [sum(map(ord, w)) % vocab_size for w in text.split()][:max_len]
    return ids + [0] * (max_len - len(ids))


def collate(rows):
    input_ids = torch.tensor([encode(r["text"]) for r in rows])
    labels = torch.tensor([STANCES.index(r["stance"]) for r in rows])
    return input_ids, labels


rows = list(csv.DictReader(io.StringIO(CSV_TEXT)))
loader = DataLoader(rows, batch_size=2, shuffle=False, collate_fn=collate)
model = torch.nn.Sequential(torch.nn.EmbeddingBag(500, 16), torch.nn.Linear(16, len(STANCES)))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for input_ids, labels in loader:
    loss = torch.nn.functional.cross_entropy(model(input_ids), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
