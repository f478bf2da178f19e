"""Hashing-trick bag-of-words spam filter trained with Accelerate (no vocabulary to maintain)."""
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader

torch.manual_seed(0)

PAD_ID, UNK_ID = 0, 1
NUM_SPECIAL = 2          # ids 0 and 1 are reserved
NUM_BUCKETS = 64         # hashed word ids
EMBED_DIM = 16

MESSAGES = [
    ("win a free cruise now click the link", 1),
    ("are we still on for lunch tomorrow", 0),
    ("your account has been selected for a cash prize", 1),
    ("can you send me the slides from the meeting", 0),
    ("limited offer buy cheap watches today", 1),
    ("mum says dinner is at seven", 0),
    ("claim your reward before midnight", 1),
    ("the train is running ten minutes late", 0),
]


def bucket_of(word):
    """Stable hash (python's hash() changes between runs), shifted past the reserved ids."""
    return NUM_SPECIAL + zlib.crc32(word.encode("utf-8")) % NUM_BUCKETS


def hash_encode(text):
    return [bucket_of(w) for w in text.lower().split()] or [UNK_ID]


def collate(batch):
    width = max(len(ids) for ids, _ in batch)
    ids = torch.full((len(batch), width), PAD_ID, dtype=torch.long)
    for row, (seq, _) in enumerate(batch):
        ids[row, :len(seq)] = torch.tensor(seq)
    return ids, torch.tensor([label for _, label in batch])


class HashedBagClassifier(nn.Module):
    def __init__(self, num_rows, dim, num_classes=2):
        super().__init__()
        self.table = nn.Embedding(num_rows, dim, padding_idx=PAD_ID)
        self.out = nn.Linear(dim, num_classes)

    def forward(self, ids):
        keep = (ids != PAD_ID).unsqueeze(-1).float()
        vectors = self.table(ids) * keep
        pooled = vectors.sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(pooled)


def train(num_epochs=1):
    accelerator = Accelerator(cpu=True)
    data = [(hash_encode(text), label) for text, label in MESSAGES]
    loader = DataLoader(data, batch_size=4, shuffle=True, collate_fn=collate)
    model = HashedBagClassifier(NUM_BUCKETS, EMBED_DIM)
    optim = torch.optim.Adam(model.parameters(), lr=1e-2)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    for epoch in range(num_epochs):
        for ids, labels in loader:
            loss = F.cross_entropy(model(ids), labels)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
        accelerator.print(f"epoch {epoch} loss {loss.item():.3f}")


if __name__ == "__main__":
    train()
