"""Tag engine-room watch log entries with the subsystem that needs attention.

Bag-of-embeddings baseline, trained on the few entries the chief engineer
labelled last voyage.
"""
import random
from collections import Counter

import torch
from torch import nn

torch.manual_seed(11)
random.seed(11)

ENTRIES = [
    ("lube oil pressure low on aux engine two", "lubrication"),
    ("purifier sludge discharge alarm repeated", "fuel"),
    ("jacket water temp high after load change", "cooling"),
    ("sea water pump cavitation noted", "cooling"),
    ("fuel injector leak cylinder five", "fuel"),
    ("turbo lube oil filter differential high", "lubrication"),
    ("expansion tank level dropping slowly", "cooling"),
    ("booster pump tripped, standby took over", "fuel"),
    ("main bearing temp rising, oil mist detector ok", "lubrication"),
]
SUBSYSTEMS = ("cooling", "fuel", "lubrication")


class Vocab:
    __slots__ = ("_words", "_lookup")
    SPECIALS = ("<pad>", "<unk>")

    def __init__(self, words):
        self._words = list(words)
        offset = len(self.SPECIALS)
        self._lookup = {w: i + offset for i, w in enumerate(self._words)}

    @classmethod
    def from_texts(cls, texts, min_count=1):
        counts = Counter(tok for t in texts for tok in cls.tokenize(t))
        return cls(w for w, c in counts.most_common() if c >= min_count)

    @staticmethod
    def tokenize(text):
        return text.lower().replace(",", " ").split()

    @property
    def size(self):
        return len(self.SPECIALS) + len(self._words)

    @property
    def pad_id(self):
        return self.SPECIALS.index("<pad>")

    def __len__(self):
        return len(self._words)

    def __getitem__(self, word):
        return self._lookup.get(word, self.SPECIALS.index("<unk>"))

    def encode(self, text):
        return [self[tok] for tok in self.tokenize(text)]


class LogBatch:
    __slots__ = ("ids", "target")

    def __init__(self, ids, target):
        self.ids, self.target = ids, target

    @classmethod
    def collate(cls, rows, vocab):
        encoded = [vocab.encode(text) for text, _ in rows]
        width = max(map(len, encoded))
        ids = torch.full((len(rows), width), vocab.pad_id, dtype=torch.long)
        for r, seq in enumerate(encoded):
            ids[r, : len(seq)] = torch.tensor(seq)
        target = torch.tensor([SUBSYSTEMS.index(tag) for _, tag in rows])
        return cls(ids, target)


class BagClassifier(nn.Module):
    def __init__(self, n_tokens, dim, n_out, pad_id):
        super().__init__()
        self.pad_id = pad_id
        self.emb = nn.Embedding(n_tokens, dim, padding_idx=pad_id)
        self.out = nn.Linear(dim, n_out)

    def forward(self, ids):
        keep = (ids != self.pad_id).unsqueeze(-1).float()
        summed = (self.emb(ids) * keep).sum(1)
        return self.out(summed / keep.sum(1).clamp(min=1.0))


def main():
    vocab = Vocab.from_texts(text for text, _ in ENTRIES)
    print(f"vocab: {len(vocab)} words, specials {Vocab.SPECIALS}")
    model = BagClassifier(vocab.size, dim=24, n_out=len(SUBSYSTEMS), pad_id=vocab.pad_id)
    optim = torch.optim.Adam(model.parameters(), lr=5e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(1, 6):
        random.shuffle(ENTRIES)
        total = 0.0
        for start in range(0, len(ENTRIES), 3):
            batch = LogBatch.collate(ENTRIES[start:start + 3], vocab)
            loss = loss_fn(model(batch.ids), batch.target)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")

    model.eval()
    probe = LogBatch.collate([("lube oil filter alarm", "lubrication")], vocab)
    with torch.no_grad():
        guess = model(probe.ids).argmax(-1).item()
    print("probe ->", SUBSYSTEMS[guess])


if __name__ == "__main__":
    main()
