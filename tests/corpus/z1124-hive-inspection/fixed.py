"""Hive inspection notes -> colony status tagger.

Small GRU classifier over whitespace tokens. Notes are bucketed by length so
each batch holds notes of similar size, which keeps padding waste down.
"""
import random
import logging

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, Sampler

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("hive")

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

NOTES = [
    ("queen seen eggs present brood pattern solid", "healthy"),
    ("no eggs no queen seen emergency cells on frame four", "queenless"),
    ("heavy varroa drop on board", "mites"),
    ("capped brood spotty several larvae discoloured smell sour", "brood_disease"),
    ("strong colony honey flow on added super", "healthy"),
    ("queen cells on bottom bars bees bearding", "swarm_prep"),
    ("mites visible on drones deformed wings", "mites"),
    ("calm bees good stores", "healthy"),
    ("laying workers multiple eggs per cell drone brood in worker cells", "queenless"),
    ("swarm cells capped old queen still present crowded brood nest", "swarm_prep"),
    ("sunken cappings ropey test positive", "brood_disease"),
    ("eggs and young larvae present", "healthy"),
]
STATUSES = sorted({s for _, s in NOTES})


def build_vocab(texts):
    vocab = {"<pad>": 0, "<unk>": 1}
    for t in texts:
        for w in t.split():
            vocab.setdefault(w, len(vocab))
    return vocab


class InspectionNotes(Dataset):
    def __init__(self, rows, vocab):
        self.rows = rows
        self.vocab = vocab

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, status = self.rows[i]
        ids = [self.vocab.get(w, 1) for w in text.split()]
        return {"tok": ids, "status": STATUSES.index(status)}


class LengthBucketSampler(Sampler):
    """Yields lists of indices; notes of similar length end up together."""

    def __init__(self, lengths, batch_size, bucket_width=3, shuffle=True):
        self.lengths = lengths
        self.batch_size = batch_size
        self.bucket_width = bucket_width
        self.shuffle = shuffle

    def _buckets(self):
        buckets = {}
        for idx, n in enumerate(self.lengths):
            buckets.setdefault(n // self.bucket_width, []).append(idx)
        return buckets

    def __iter__(self):
        batches = []
        for key in sorted(self._buckets()):
            members = self._buckets()[key]
            if self.shuffle:
                random.shuffle(members)
            for s in range(0, len(members), self.batch_size):
                batches.append(members[s:s + self.batch_size])
        if self.shuffle:
            random.shuffle(batches)
        return iter(batches)

    def __len__(self):
        return sum((len(m) + self.batch_size - 1) // self.batch_size for m in self._buckets().values())


class PadCollator:
    def __init__(self, pad_id=0):
        self.pad_id = pad_id

    def __call__(self, items):
        width = max(len(it["tok"]) for it in items)
        rows = [it["tok"] + [self.pad_id] * (width - len(it["tok"])) for it in items]
        return {
            "tok": torch.tensor(rows, dtype=torch.long),
            "status": torch.tensor([it["status"] for it in items]),
        }


def seed_worker(worker_id):
    s = torch.initial_seed() % 2**32
    np.random.seed(s)
    random.seed(s)


class StatusTagger(nn.Module):
    def __init__(self, vocab_size, n_out, dim=24):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_out)

    def forward(self, tok):
        h, _ = self.rnn(self.emb(tok))
        keep = (tok != 0).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.out(pooled)


def main():
    vocab = build_vocab(t for t, _ in NOTES)
    ds = InspectionNotes(NOTES, vocab)
    lengths = [len(t.split()) for t, _ in NOTES]
    sampler = LengthBucketSampler(lengths, batch_size=4)
    loader = DataLoader(ds, batch_sampler=sampler, collate_fn=PadCollator(), worker_init_fn=seed_worker)
    log.info("vocab=%d notes=%d batches/epoch=%d", len(vocab), len(ds), len(sampler))

    model = StatusTagger(len(vocab), len(STATUSES))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        total = 0.0
        for batch in loader:
            logits = model(batch["tok"])
            loss = loss_fn(logits, batch["status"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        log.info("epoch %d loss %.4f", epoch, total / len(sampler))


if __name__ == "__main__":
    main()
