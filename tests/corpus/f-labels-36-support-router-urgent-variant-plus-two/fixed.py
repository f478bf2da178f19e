"""Support inbox router: a bag-of-words GRU picks the queue for each customer message, urgent ones get their own queue."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

QUEUES = ["billing", "delivery", "billing_urgent", "delivery_urgent", "feedback"]
URGENT_WORDS = {"asap", "immediately", "today", "manager"}

INBOX = [
    ("i was charged twice this month", "billing"),
    ("refund my card immediately please", "billing"),
    ("where is my package it is late", "delivery"),
    ("the courier must come today", "delivery"),
    ("great service thank you all", "feedback"),
    ("invoice shows the wrong address", "billing"),
    ("tell your manager the driver was lovely", "feedback"),
    ("parcel left at the wrong door", "delivery"),
]


def make_target(text, queue):
    y = QUEUES.index(queue)
    if URGENT_WORDS & set(text.split()) and queue + "_urgent" in QUEUES:
        y = QUEUES.index(queue + "_urgent")
    return y


class QueueClassifier(nn.Module):
    def __init__(self, vocab_size, n_queues, dim=24):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.head = nn.Linear(dim, n_queues)

    def forward(self, ids):
        _, last = self.gru(self.embed(ids))
        return self.head(last[-1])


def batches(rows, vocab, size):
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        ids = [torch.tensor([vocab[w] for w in text.split()]) for text, _ in chunk]
        targets = torch.tensor([make_target(text, queue) for text, queue in chunk])
        yield pad_sequence(ids, batch_first=True), targets


torch.manual_seed(0)
vocab = {w: i + 1 for i, w in enumerate(sorted({w for text, _ in INBOX for w in text.split()}))}
model = QueueClassifier(len(vocab) + 1, len(QUEUES))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)

for epoch in range(3):
    total = 0.0
    for ids, targets in batches(INBOX, vocab, size=4):
        logits = model(ids)
        loss = F.cross_entropy(logits, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total:.3f}")
