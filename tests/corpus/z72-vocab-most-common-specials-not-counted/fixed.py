"""News headline topic classifier with a word-level GRU, vocabulary capped at the MAX_VOCAB most frequent words.
Batches are produced by a generator (bucketed by the order of the data, no DataLoader).
"""
from collections import Counter
from itertools import islice

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
MAX_VOCAB = 24
TOPICS = ["sport", "economy", "science"]
HEADLINES = [
    ("city wins the cup final", 0), ("central bank raises interest rates", 1), ("new planet found near star", 2),
    ("striker scores twice in derby", 0), ("markets fall as rates rise", 1), ("scientists map the human brain", 2),
    ("coach sacked after cup exit", 0), ("inflation slows for third month", 1), ("probe lands on the comet", 2),
    ("derby ends in a draw", 0), ("bank profits beat forecasts", 1), ("brain study finds new cells", 2),
]


class Vocab:
    PAD, UNK = "<pad>", "<unk>"

    def __init__(self, texts, max_size):
        counts = Counter(w for text in texts for w in text.split())
        self.itos = [self.PAD, self.UNK] + [w for w, _ in counts.most_common(max_size)]
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text):
        return [self.stoi.get(w, 1) for w in text.split()]


class GRUClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, num_classes)

    def forward(self, ids):
        _, h = self.gru(self.embed(ids))
        return self.out(h[-1])


def batches(rows, vocab, size):
    it = iter(rows)
    while chunk := list(islice(it, size)):
        ids = [torch.tensor(vocab.encode(text)) for text, _ in chunk]
        yield nn.utils.rnn.pad_sequence(ids, batch_first=True), torch.tensor([y for _, y in chunk])


vocab = Vocab([text for text, _ in HEADLINES], max_size=MAX_VOCAB)
model = GRUClassifier(vocab_size=len(vocab.itos), num_classes=len(TOPICS))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)

for epoch in range(3):
    for ids, y in batches(HEADLINES, vocab, size=4):
        loss = F.cross_entropy(model(ids), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch}: loss {loss.item():.3f}")
