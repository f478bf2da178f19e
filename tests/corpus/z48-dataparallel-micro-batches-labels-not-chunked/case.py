"""Toxicity classifier (char n-gram hashing + MLP) trained with large effective batches.

The batch of 8 is split into ACCUM_STEPS micro-batches whose gradients are accumulated before each
optimizer step; the model is wrapped in nn.DataParallel so the same script uses every GPU when there are any.
"""
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)

N_BUCKETS, EMB_DIM, BATCH_SIZE, ACCUM_STEPS = 512, 32, 8, 4

COMMENTS = [
    ("you are an idiot", 1), ("thanks for the helpful answer", 0), ("nobody wants your stupid opinion", 1),
    ("great point, I agree", 0), ("shut up and go away", 1), ("could you share the source?", 0),
    ("what a moron", 1), ("nice work on the release", 0), ("this is garbage and so are you", 1),
    ("I learned a lot from this thread", 0), ("get lost loser", 1), ("happy to help anytime", 0),
    ("worst take ever, clown", 1), ("the docs explain it well", 0), ("you should be banned", 1),
    ("interesting, thanks for sharing", 0),
]


def hashed_ngrams(text, n=3):
    text = f"<{text.lower()}>"
    return [zlib.crc32(text[i:i + n].encode()) % N_BUCKETS for i in range(len(text) - n + 1)]


def make_batch(rows):
    ids, offsets, pos = [], [], 0
    for text, _ in rows:
        grams = hashed_ngrams(text)
        offsets.append(pos)
        ids += grams
        pos += len(grams)
    return torch.tensor(ids), torch.tensor(offsets), torch.tensor([y for _, y in rows])


class NgramMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.bag = nn.EmbeddingBag(N_BUCKETS, EMB_DIM, mode="mean")
        self.mlp = nn.Sequential(nn.Linear(EMB_DIM, 64), nn.ReLU(), nn.Linear(64, 2))

    def forward(self, features):
        return self.mlp(features)


model = NgramMLP()
net = nn.DataParallel(model)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)

for epoch in range(2):
    for start in range(0, len(COMMENTS), BATCH_SIZE):
        ids, offsets, labels = make_batch(COMMENTS[start:start + BATCH_SIZE])
        features = model.bag(ids, offsets)
        optimizer.zero_grad()
        for micro in features.chunk(ACCUM_STEPS):
            logits = net(micro)
            loss = F.cross_entropy(logits, labels) / ACCUM_STEPS
            loss.backward(retain_graph=True)
        optimizer.step()
    print(f"epoch {epoch} loss {loss.item() * ACCUM_STEPS:.3f}")
