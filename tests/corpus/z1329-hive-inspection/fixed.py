"""Classify beekeepers' hive inspection notes into colony status.

Notes are bucketed by length so that short notes don't get padded to the
longest note in the apiary; a small transformer encoder does the rest.
"""
import itertools
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

NOTES = [
    ("queen seen eggs and young larvae on four frames calm", "queenright"),
    ("no eggs no queen emergency cells on two frames", "queenless"),
    ("capped queen cells along bottom bars colony very crowded", "swarming"),
    ("brood pattern solid queen marked blue seen", "queenright"),
    ("bees roaring no brood at all laying workers suspected drone cells scattered", "queenless"),
    ("swarm cells charged with royal jelly supers full of nectar", "swarming"),
    ("eggs present stores good", "queenright"),
    ("no queen found queen cups empty colony defensive and loud", "queenless"),
    ("half the bees left cluster hanging in hawthorn nearby", "swarming"),
    ("queen laying well pollen coming in", "queenright"),
    ("several supersedure cells no eggs seen", "queenless"),
    ("play cups everywhere brood nest backfilled with honey", "swarming"),
]
STATUS = ["queenright", "queenless", "swarming"]
BUCKET_EDGES = (6, 10, 16)     # bucket i holds notes with len <= BUCKET_EDGES[i]
BATCH = 3
PAD, UNK = 0, 1


def build_vocab(rows):
    counts = Counter(w for text, _ in rows for w in text.split())
    itos = ["<pad>", "<unk>"] + sorted(counts)
    return {w: i for i, w in enumerate(itos)}


def read_records(rows):
    for text, status in rows:
        yield text.lower().strip(), STATUS.index(status)


def tokenize_stream(records, vocab):
    for text, target in records:
        yield [vocab.get(w, UNK) for w in text.split()], target


def bucket_of(length):
    for edge in BUCKET_EDGES:
        if length <= edge:
            return edge
    return BUCKET_EDGES[-1]


def batch_stream(examples, batch_size):
    ordered = sorted(examples, key=lambda ex: len(ex[0]))
    for edge, group in itertools.groupby(ordered, key=lambda ex: bucket_of(len(ex[0]))):
        group = iter(group)
        while True:
            chunk = list(itertools.islice(group, batch_size))
            if not chunk:
                break
            longest = max(len(ids) for ids, _ in chunk)
            tokens = torch.tensor([ids + [PAD] * (longest - len(ids)) for ids, _ in chunk])
            keep = torch.zeros(len(chunk), longest, dtype=torch.bool)
            for row, (ids, _) in enumerate(chunk):
                keep[row, : len(ids)] = True
            yield {"tokens": tokens, "pad_mask": ~keep,
                   "target": torch.tensor([t for _, t in chunk])}


class HiveNoteClassifier(nn.Module):
    def __init__(self, vocab_size, dim=32, n_classes=3):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, tokens, pad_mask):
        h = self.encoder(self.embed(tokens), src_key_padding_mask=pad_mask)
        live = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * live).sum(1) / live.sum(1).clamp(min=1.0)
        return self.head(pooled)


def main():
    vocab = build_vocab(NOTES)
    model = HiveNoteClassifier(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    print(f"{len(NOTES)} notes, vocab {len(vocab)}, buckets {BUCKET_EDGES}")

    for epoch in range(3):
        model.train()
        total, seen = 0.0, 0
        examples = tokenize_stream(read_records(NOTES), vocab)
        for batch in batch_stream(examples, BATCH):
            logits = model(batch["tokens"], batch["pad_mask"])
            loss = F.cross_entropy(logits, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["target"])
            seen += len(batch["target"])
        print(f"epoch {epoch} loss {total / seen:.4f}")


if __name__ == "__main__":
    main()
