"""Predict the avalanche danger level from short regional bulletin texts.

Bulletins are tagged by the forecasters with the European danger scale
(1 low .. 5 very high). Small EmbeddingBag model, trained from scratch.
"""
import random
from collections import Counter

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

random.seed(3)
torch.manual_seed(3)

DANGER_SCALE = {1: "low", 2: "moderate", 3: "considerable", 4: "high", 5: "very high"}

BULLETINS = [
    ("well bonded snowpack, isolated wet slides on steep sunny slopes", 1),
    ("generally stable, small loose snow releases possible in extreme terrain", 1),
    ("wind slabs on north aspects above treeline, mostly small", 2),
    ("fresh drifts near ridges, careful route selection advised", 2),
    ("persistent weak layer buried, remote triggering reported", 3),
    ("widespread whumpfing and shooting cracks, avoid slopes over thirty degrees", 3),
    ("heavy snowfall and strong wind, many large natural avalanches expected", 4),
    ("natural releases likely on all aspects, stay off avalanche terrain", 4),
    ("extraordinary snowfall, very large avalanches reaching valley floors", 5),
    ("roads closed, very large spontaneous avalanches threatening settlements", 5),
    ("thin crust over facets, human triggering likely on shady slopes", 3),
    ("spring conditions, stable in the morning, wet slides after midday", 2),
]


class TextDataset(Dataset):
    """Base class: whitespace tokenisation against a fixed vocabulary."""

    def __init__(self, rows, vocab=None):
        self.rows = rows
        self.vocab = vocab or self.build_vocab(r[0] for r in rows)

    @staticmethod
    def build_vocab(texts):
        counts = Counter(w for t in texts for w in t.replace(",", " ").split())
        vocab = {"<unk>": 0}
        for w, _ in counts.most_common():
            vocab[w] = len(vocab)
        return vocab

    def encode(self, text):
        return [self.vocab.get(w, 0) for w in text.replace(",", " ").split()]

    def target(self, row):
        raise NotImplementedError

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        return torch.tensor(self.encode(row[0])), self.target(row)


class BulletinDataset(TextDataset):
    def target(self, row):
        # danger scale is 1-based, class indices are 0-based
        return row[1] - 1


def bag_collate(items):
    tokens = [t for t, _ in items]
    offsets = torch.tensor([0] + [len(t) for t in tokens[:-1]]).cumsum(0)
    return torch.cat(tokens), offsets, torch.tensor([y for _, y in items])


class BaseClassifier(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.num_classes = num_classes

    def features(self, tokens, offsets):
        raise NotImplementedError

    def forward(self, tokens, offsets):
        return self.head(self.features(tokens, offsets))


class BagClassifier(BaseClassifier):
    def __init__(self, vocab_size, dim, num_classes):
        super().__init__(num_classes)
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(dim, num_classes))

    def features(self, tokens, offsets):
        return self.bag(tokens, offsets)


class Trainer:
    def __init__(self, model, lr=0.05):
        self.model = model
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)
        self.loss_fn = nn.CrossEntropyLoss()

    def run_epoch(self, loader):
        self.model.train()
        total = 0.0
        for tokens, offsets, danger in loader:
            logits = self.model(tokens, offsets)
            loss = self.loss_fn(logits, danger)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            total += loss.item()
        return total / len(loader)


def main():
    ds = BulletinDataset(BULLETINS)
    loader = DataLoader(ds, batch_size=4, shuffle=True, collate_fn=bag_collate)
    model = BagClassifier(len(ds.vocab), dim=24, num_classes=len(DANGER_SCALE))
    print(f"{len(ds)} bulletins, vocab {len(ds.vocab)}, {model.num_classes} danger levels")

    trainer = Trainer(model)
    for epoch in range(15):
        loss = trainer.run_epoch(loader)
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d}  loss {loss:.4f}")

    model.eval()
    probe = "strong wind and fresh drifts, large natural avalanches on all aspects"
    with torch.no_grad():
        tok = torch.tensor(ds.encode(probe))
        level = model(tok, torch.tensor([0])).argmax(-1).item()
    print(f"probe -> {DANGER_SCALE[level + 1]}")


if __name__ == "__main__":
    main()
