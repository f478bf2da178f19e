"""Colony-status classifier for beekeepers' hive inspection notes.

Notes are encoded concurrently (asyncio), regrouped by yard, and a small
bag-of-embeddings model is trained to predict the colony status.
"""
import asyncio
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

# status catalogue used by the inspection app (codes are stable across seasons)
STATUS_CODES = {
    "queenright": 0,
    "queenless": 1,
    "swarming": 2,
    "robbing": 3,
    "varroa": 4,
}

NOTES = [
    ("north-yard", "eggs and young larvae seen brood pattern solid", "queenright"),
    ("north-yard", "no eggs emergency cells drawn on frame four", "queenless"),
    ("north-yard", "queen cups charged crowded boxes bees bearding", "swarming"),
    ("orchard", "mite drop high deformed wings on workers", "varroa"),
    ("orchard", "capped brood spotty mites counted on sugar roll", "varroa"),
    ("orchard", "marked queen spotted laying well", "queenright"),
    ("river-bend", "swarm cells capped old queen gone", "swarming"),
    ("river-bend", "laying workers multiple eggs per cell", "queenless"),
    ("river-bend", "calm colony fresh eggs good stores", "queenright"),
]


@dataclass
class EncodedNote:
    yard: str
    token_ids: list
    n_tokens: int
    status: int


class Vocab:
    def __init__(self, texts):
        words = sorted({w for t in texts for w in t.split()})
        self.stoi = {"<pad>": 0, "<unk>": 1}
        for w in words:
            self.stoi[w] = len(self.stoi)

    def __len__(self):
        return len(self.stoi)

    def lookup(self, word):
        return self.stoi.get(word, 1)


async def encode_note(record, vocab):
    yard, text, status_name = record
    await asyncio.sleep(random.random() * 0.01)  # stands in for the notes API
    ids = [vocab.lookup(w) for w in text.lower().split()]
    return EncodedNote(yard, ids, len(ids), STATUS_CODES[status_name])


async def encode_all(records, vocab):
    return await asyncio.gather(*(encode_note(r, vocab) for r in records))


def pad_batch(notes):
    longest = max(n.n_tokens for n in notes)
    ids = torch.zeros(len(notes), longest, dtype=torch.long)
    for row, n in enumerate(notes):
        ids[row, : n.n_tokens] = torch.tensor(n.token_ids)
    targets = torch.tensor([n.status for n in notes])
    return ids, targets


class NoteClassifier(nn.Module):
    def __init__(self, vocab_size, dim, n_classes):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, ids):
        present = (ids != 0).unsqueeze(-1).float()
        summed = (self.embed(ids) * present).sum(1)
        return self.head(summed / present.sum(1).clamp(min=1.0))


def main():
    vocab = Vocab([t for _, t, _ in NOTES])
    encoded = asyncio.run(encode_all(NOTES, vocab))
    print(f"encoded {len(encoded)} notes, vocab size {len(vocab)}")

    yards = {}
    for note in encoded:
        yards.setdefault(note.yard, []).append(note)
    observed = sorted({n.status for group in yards.values() for n in group})
    n_classes = len(observed)
    print(f"yards: {sorted(yards)} | statuses seen: {observed}")

    model = NoteClassifier(len(vocab), 24, n_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)

    for epoch in range(5):
        total = 0.0
        for yard in sorted(yards):
            ids, targets = pad_batch(yards[yard])
            logits = model(ids)
            loss = F.cross_entropy(logits, targets)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(yards):.4f}")

    with torch.no_grad():
        ids, targets = pad_batch(encoded)
        acc = (model(ids).argmax(-1) == targets).float().mean().item()
    print(f"train accuracy {acc:.2f}")


if __name__ == "__main__":
    main()
