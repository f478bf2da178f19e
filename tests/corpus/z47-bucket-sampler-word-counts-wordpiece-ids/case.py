"""Headline topic classifier with a GRU, batched with a bucketing batch sampler.

Bucketing puts headlines of the same length in one batch, so the batches need no padding and the GRU never
reads pad tokens (no pack_padded_sequence needed).
"""
import os
import random
import tempfile
from collections import defaultdict

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, Sampler
from transformers import BertTokenizer

random.seed(0)
torch.manual_seed(0)

HEADLINES = [
    ("stocks rally as rates hold", "business"), ("storm floods coastal towns", "weather"),
    ("banks report record profits", "business"), ("heavy snow closes schools", "weather"),
    ("striker scores twice in final", "sport"), ("markets slide on trade fears", "business"),
    ("champions clinch title on penalties", "sport"), ("heatwave breaks june records", "weather"),
    ("coach sacked after losing streak", "sport"), ("investors flee risky bonds", "business"),
]
TOPICS = sorted({t for _, t in HEADLINES})

workdir = tempfile.mkdtemp()
base = sorted({w for h, _ in HEADLINES for w in h.split()} - {"rates", "floods", "towns", "banks", "profits",
                                                             "schools", "scores", "markets", "fears", "champions",
                                                             "penalties", "records", "investors", "bonds", "clinch"})
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + base +
                       ["rate", "flood", "town", "bank", "profit", "school", "score", "market", "fear", "champion",
                        "penalt", "invest", "bond", "clin", "##s", "##ies", "##ors", "##ch"]) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))


class Headlines(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, topic = self.rows[i]
        ids = torch.tensor(tokenizer.encode(text, add_special_tokens=False))
        return ids, TOPICS.index(topic)


class BucketBatchSampler(Sampler):
    """Yields batches of indices whose examples have the same length."""

    def __init__(self, lengths, batch_size):
        self.buckets = defaultdict(list)
        for i, n in enumerate(lengths):
            self.buckets[n].append(i)
        self.batch_size = batch_size

    def __iter__(self):
        batches = []
        for idx in self.buckets.values():
            random.shuffle(idx)
            batches += [idx[i:i + self.batch_size] for i in range(0, len(idx), self.batch_size)]
        random.shuffle(batches)
        return iter(batches)

    def __len__(self):
        return sum((len(b) + self.batch_size - 1) // self.batch_size for b in self.buckets.values())


class GRUClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_classes)

    def forward(self, ids):
        _, h = self.gru(self.emb(ids))
        return self.out(h[-1])


dataset = Headlines(HEADLINES)
lengths = [len(text.split()) for text, _ in HEADLINES]
loader = DataLoader(dataset, batch_sampler=BucketBatchSampler(lengths, batch_size=4))

model = GRUClassifier(len(tokenizer), len(TOPICS))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(3):
    for ids, topic in loader:
        loss = nn.functional.cross_entropy(model(ids), topic)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch}: loss {loss.item():.3f}")
