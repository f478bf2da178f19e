"""Helpfulness classifier for product reviews read from a CSV export with the csv module: bag of words plus
a learned embedding of the review's length bucket."""
import csv
import os
import tempfile
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
BUCKET_WIDTH = 8
N_BUCKETS = 4

rows = [
    ("r1", "great blender", "0"),
    ("r2", "the motor is strong and the jar is easy to clean but the lid leaks a little when full", "1"),
    ("r3", "broke after a week", "0"),
    ("r4", "works well for smoothies and crushes ice without trouble even on the lowest setting", "1"),
    ("r5", "too loud", "0"),
    ("r6", "solid build and the blades are sharp and the warranty covered a cracked jar quickly", "1"),
]
export = os.path.join(tempfile.mkdtemp(), "reviews.csv")
with open(export, "w", newline="") as fh:
    writer = csv.writer(fh)
    writer.writerow(["review_id", "body", "helpful"])
    writer.writerows(rows)

with open(export, newline="") as fh:
    reviews = list(csv.DictReader(fh))

counts = Counter(w for r in reviews for w in r["body"].lower().split())
vocab = {w: i + 1 for i, (w, _) in enumerate(counts.most_common())}


def encode(body):
    return [vocab.get(w, 0) for w in body.lower().split()]


class BowWithLength(nn.Module):
    def __init__(self, vocab_size, dim=16):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.length_emb = nn.Embedding(N_BUCKETS, 4)
        self.out = nn.Linear(dim + 4, 2)

    def forward(self, flat_ids, offsets, length_bucket):
        return self.out(torch.cat([self.bag(flat_ids, offsets), self.length_emb(length_bucket)], dim=-1))


def make_batch(batch):
    ids = [torch.tensor(encode(r["body"])) for r in batch]
    offsets = torch.tensor([0] + [len(t) for t in ids[:-1]]).cumsum(0)
    lengths = torch.tensor([len(t) for t in ids])
    length_bucket = (lengths / BUCKET_WIDTH).clamp(max=N_BUCKETS - 1)
    labels = torch.tensor([int(r["helpful"]) for r in batch])
    return torch.cat(ids), offsets, length_bucket, labels


model = BowWithLength(len(vocab) + 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for epoch in range(3):
    for start in range(0, len(reviews), 3):
        flat_ids, offsets, length_bucket, labels = make_batch(reviews[start:start + 3])
        loss = F.cross_entropy(model(flat_ids, offsets, length_bucket), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch}: loss {loss.item():.3f}")
