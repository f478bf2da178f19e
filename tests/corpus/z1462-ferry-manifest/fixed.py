"""Cargo-class tagger for ro-ro ferry manifest lines.

Plain PyTorch: word vocab built from the manifests, embedding bag style
encoder, small MLP head. Lines are bucketed by length so short and long
lines do not end up in the same batch.
"""
import random
from collections import Counter
from functools import reduce
from itertools import chain, groupby
from operator import itemgetter

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

random.seed(3)
torch.manual_seed(3)

PAD, UNK = 0, 1
BUCKET_WIDTH = 4

MANIFEST = [
    ("Hirtshals-Kristiansand", "refrigerated trailer frozen fish", "perishable"),
    ("Hirtshals-Kristiansand", "two pallets of fresh salmon on ice", "perishable"),
    ("Hirtshals-Kristiansand", "tanker lpg class two", "dangerous"),
    ("Rostock-Trelleborg", "flatbed with steel coils", "general"),
    ("Rostock-Trelleborg", "curtainsider mixed retail goods", "general"),
    ("Rostock-Trelleborg", "lithium batteries un3480 in sealed crates", "dangerous"),
    ("Rostock-Trelleborg", "livestock trailer sheep", "livestock"),
    ("Ystad-Swinoujscie", "cattle truck two decks ventilated", "livestock"),
    ("Ystad-Swinoujscie", "reefer container dairy products", "perishable"),
    ("Ystad-Swinoujscie", "paint drums flammable liquid class three", "dangerous"),
    ("Ystad-Swinoujscie", "empty trailer returning to depot", "general"),
    ("Ystad-Swinoujscie", "horses in a licensed horsebox", "livestock"),
]

text_of = itemgetter(1)
class_of = itemgetter(2)


def build_vocab(lines):
    counts = Counter(chain.from_iterable(map(str.split, lines)))
    kept = sorted(filter(lambda w: counts[w] >= 1, counts))
    return reduce(lambda vocab, w: {**vocab, w: len(vocab)}, kept, {"<pad>": PAD, "<unk>": UNK})


def encode(record, vocab, class_ids):
    ids = [vocab.get(w, UNK) for w in text_of(record).split()]
    return (record[0], ids, class_ids[class_of(record)])


def bucket_key(encoded):
    return len(encoded[1]) // BUCKET_WIDTH


def length_buckets(encoded):
    for key, grp in groupby(sorted(encoded, key=bucket_key), key=bucket_key):
        grp = list(grp)
        tokens = pad_sequence([torch.tensor(ids) for ids in map(itemgetter(1), grp)],
                              batch_first=True, padding_value=PAD)
        targets = torch.tensor(list(map(itemgetter(2), grp)))
        yield key, tokens, targets


class ManifestTagger(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=24):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.proj = nn.Sequential(nn.Linear(dim, dim), nn.Tanh(), nn.Linear(dim, n_classes))

    def forward(self, tokens):
        keep = (tokens != PAD).unsqueeze(-1).float()
        pooled = (self.emb(tokens) * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.proj(pooled)


def main():
    vocab = build_vocab(map(text_of, MANIFEST))
    class_ids = {c: i for i, c in enumerate(sorted(set(map(class_of, MANIFEST))))}
    encoded = [encode(r, vocab, class_ids) for r in MANIFEST]
    print(f"vocab={len(vocab)} classes={class_ids}")

    model = ManifestTagger(len(vocab), len(class_ids))
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(4):
        total, seen = 0.0, 0
        random.shuffle(encoded)
        for key, tokens, targets in length_buckets(encoded):
            logits = model(tokens)
            loss = criterion(logits, targets)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(targets)
            seen += len(targets)
        print(f"epoch {epoch}: mean loss {total / seen:.4f}")

    inv = {i: c for c, i in class_ids.items()}
    with torch.no_grad():
        for route, ids, gold in encoded[:4]:
            guess = model(torch.tensor([ids])).argmax(-1).item()
            print(f"{route:<24} gold={inv[gold]:<11} pred={inv[guess]}")


if __name__ == "__main__":
    main()
