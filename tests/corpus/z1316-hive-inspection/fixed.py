"""Bucket beekeeper inspection notes into colony status classes.

Small bag-of-words model (EmbeddingBag -> Linear). The field app exports a
numeric status code with every inspection, we train against that code.
"""
import logging
import random

import torch
import torch.nn as nn

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("apiary")

TASK_LABELS = {
    "colony_status": ["healthy", "queenless", "swarming_prep", "brood_disease", "dead_out"],
    "varroa_load": ["low", "moderate", "high"],
}

# (note text, status code from the HiveTrack export)
INSPECTIONS = [
    ("strong brood pattern calm bees plenty of stores", 0),
    ("no eggs no larvae bees roaring queen not found", 1),
    ("many queen cups along bottom bars crowded frames", 2),
    ("sunken perforated cappings ropey larvae smell", 3),
    ("colony absconded empty boxes wax moth in comb", 4),
    ("good laying pattern capped honey calm on frames", 0),
    ("charged queen cells on frame edges congested brood nest", 2),
    ("scattered brood spotty pattern no queen seen", 1),
]


class Config:
    __slots__ = ("task", "labels", "embed_dim", "lr", "epochs", "min_count")

    def __init__(self, task, labels, embed_dim=24, lr=0.05, epochs=5, min_count=1):
        self.task = task
        self.labels = list(labels)
        self.embed_dim = embed_dim
        self.lr = lr
        self.epochs = epochs
        self.min_count = min_count

    @classmethod
    def from_dict(cls, d):
        known = {k: v for k, v in d.items() if k in cls.__slots__}
        return cls(**known)

    @classmethod
    def for_task(cls, task, **overrides):
        d = {"task": task, "labels": TASK_LABELS[task]}
        d.update(overrides)
        return cls.from_dict(d)

    @property
    def num_labels(self):
        return len(self.labels)

    def __repr__(self):
        return f"Config(task={self.task!r}, num_labels={self.num_labels}, embed_dim={self.embed_dim})"


class Vocab:
    __slots__ = ("stoi",)

    def __init__(self, texts, min_count=1):
        counts = {}
        for t in texts:
            for w in self.tokenize(t):
                counts[w] = counts.get(w, 0) + 1
        self.stoi = {"<unk>": 0}
        for w, c in sorted(counts.items()):
            if c >= min_count:
                self.stoi[w] = len(self.stoi)

    @staticmethod
    def tokenize(text):
        return text.lower().split()

    def __len__(self):
        return len(self.stoi)

    def encode(self, text):
        return [self.stoi.get(w, 0) for w in self.tokenize(text)]


class NoteClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_labels):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, embed_dim, mode="mean")
        self.out = nn.Linear(embed_dim, num_labels)

    @classmethod
    def from_config(cls, cfg, vocab):
        return cls(len(vocab), cfg.embed_dim, cfg.num_labels)

    def forward(self, flat_ids, offsets):
        return self.out(self.bag(flat_ids, offsets))


def pack(encoded):
    offsets, flat = [], []
    for ids in encoded:
        offsets.append(len(flat))
        flat.extend(ids)
    return torch.tensor(flat, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


def main():
    random.seed(3)
    torch.manual_seed(3)

    cfg = Config.for_task("colony_status", epochs=4)
    log.info("config: %s", cfg)

    texts = [t for t, _ in INSPECTIONS]
    vocab = Vocab(texts, cfg.min_count)
    log.info("vocab size %d", len(vocab))

    model = NoteClassifier.from_config(cfg, vocab)
    optim = torch.optim.SGD(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        rows = INSPECTIONS[:]
        random.shuffle(rows)
        flat, offsets = pack([vocab.encode(t) for t, _ in rows])
        status = torch.tensor([code for _, code in rows])

        logits = model(flat, offsets)
        loss = loss_fn(logits, status)
        optim.zero_grad()
        loss.backward()
        optim.step()
        log.info("epoch %d  loss %.4f", epoch, loss.item())

    with torch.no_grad():
        flat, offsets = pack([vocab.encode("queen cells along the bottom bars")])
        pred = model(flat, offsets).argmax(-1).item()
    print("prediction:", cfg.labels[pred])


if __name__ == "__main__":
    main()
