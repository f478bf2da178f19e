"""Customer-feedback topic model: bag-of-words classifier trained on crowd annotations; feedback the annotators
skipped keeps y = -1 so it can be sent back for a second pass."""
import random

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence

TOPICS = ["billing", "delivery", "quality"]
FEEDBACK = [
    {"text": "charged twice for one order", "y": 0},
    {"text": "parcel arrived a week late", "y": 1},
    {"text": "the fabric tore after one wash", "y": 2},
    {"text": "refund still not on my card", "y": 0},
    {"text": "not sure what happened here", "y": -1},
    {"text": "courier left it in the rain", "y": 1},
    {"text": "zip broke on the first day", "y": 2},
    {"text": "meh", "y": -1},
]
vocab = {"<pad>": 0}
for ex in FEEDBACK:
    for w in ex["text"].split():
        vocab.setdefault(w, len(vocab))


def batches(examples, size):
    order = list(range(len(examples)))
    random.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [examples[i] for i in order[start:start + size]]
        ids = pad_sequence([torch.tensor([vocab[w] for w in ex["text"].split()]) for ex in chunk], batch_first=True)
        yield ids, torch.tensor([ex["y"] for ex in chunk])


class BagOfWords(nn.Module):
    def __init__(self, n_words, n_topics, dim=24):
        super().__init__()
        self.emb = nn.EmbeddingBag(n_words, dim, mode="mean", padding_idx=0)
        self.out = nn.Linear(dim, n_topics)

    def forward(self, ids):
        return self.out(torch.relu(self.emb(ids)))


random.seed(1)
torch.manual_seed(0)
clf = BagOfWords(len(vocab), len(TOPICS))
criterion = nn.CrossEntropyLoss()
opt = torch.optim.Adam(clf.parameters(), lr=1e-2)
for epoch in range(5):
    running = 0.0
    for ids, y in batches(FEEDBACK, size=4):
        loss = criterion(clf(ids), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    print(f"epoch {epoch}: {running:.3f}")
