"""Classify beekeepers' hive inspection notes into colony status buckets."""
import logging
import random
from abc import ABC, abstractmethod

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("hive-notes")

random.seed(7); torch.manual_seed(7)

STATUSES = ["queenright", "queenless", "preparing_swarm", "brood_disease"]

TRAIN_NOTES = [
    ("eggs seen on three frames, queen spotted, calm bees", "queenright"),
    ("no eggs no young larvae, roaring when opened", "queenless"),
    ("several capped queen cells along bottom bars", "preparing_swarm"),
    ("sunken perforated cappings, ropey test positive", "brood_disease"),
    ("good laying pattern, marked queen on frame four", "queenright"),
    ("laying workers suspected, multiple eggs per cell", "queenless"),
    ("backfilled brood nest, queen cups charged", "preparing_swarm"),
    ("spotty brood, discoloured larvae, sour smell", "brood_disease"),
]

EVAL_NOTES = [
    ("marked queen seen, eggs and larvae present", "queenright"),
    ("chalkbrood mummies on landing board, patchy brood", "brood_disease"),
    ("swarm cells capped on frame six, congested", "preparing_swarm"),
]


class Vocabulary:
    def __init__(self, specials=("<pad>", "<unk>")):
        self.itos, self.stoi, self.frozen = [], {}, False
        for tok in specials:
            self.add(tok)

    def add(self, token):
        if token not in self.stoi:
            if self.frozen:
                return self.stoi["<unk>"]
            self.stoi[token] = len(self.itos)
            self.itos.append(token)
        return self.stoi[token]

    def lookup(self, token):
        return self.stoi.get(token, self.stoi["<unk>"])

    def freeze(self):
        self.frozen = True

    def __len__(self):
        return len(self.itos)


def tokenize(text):
    return text.lower().replace(",", " ").split()


class InspectionNotes(Dataset, ABC):
    split = "base"

    def __init__(self, rows, vocab):
        self.vocab = vocab
        self.encoded = [([vocab.add(t) for t in tokenize(txt)], STATUSES.index(lab)) for txt, lab in rows]
        log.info("%s split: %d notes, vocab now %d", self.split, len(self.encoded), len(vocab))

    @abstractmethod
    def __len__(self): ...

    @abstractmethod
    def __getitem__(self, idx): ...


class TrainingNotes(InspectionNotes):
    split = "train"

    def __len__(self):
        return len(self.encoded)

    def __getitem__(self, idx):
        # light augmentation: drop one token at random from longer notes
        ids, lab = self.encoded[idx]
        if len(ids) > 5:
            ids = [t for i, t in enumerate(ids) if i != random.randrange(len(ids))]
        return ids, lab


class FieldCheckNotes(InspectionNotes):
    split = "field-check"

    def __len__(self):
        return len(self.encoded)

    def __getitem__(self, idx):
        return self.encoded[idx]


class Collator:
    def __init__(self, pad_id, max_tokens=24):
        self.pad_id, self.max_tokens = pad_id, max_tokens

    def __call__(self, items):
        width = min(self.max_tokens, max(len(ids) for ids, _ in items))
        grid = torch.full((len(items), width), self.pad_id, dtype=torch.long)
        for row, (ids, _) in enumerate(items):
            ids = ids[:width]
            grid[row, : len(ids)] = torch.tensor(ids)
        return {"tokens": grid, "status": torch.tensor([lab for _, lab in items])}


class HiveStatusClassifier(nn.Module):
    def __init__(self, n_tokens, n_classes, dim=48, pad_id=0):
        super().__init__()
        self.pad_id = pad_id
        self.embed = nn.Embedding(n_tokens, dim, padding_idx=pad_id)
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.Tanh(), nn.Linear(dim, n_classes))

    def forward(self, tokens):
        keep = (tokens != self.pad_id).unsqueeze(-1).float()
        pooled = (self.embed(tokens) * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


vocab = Vocabulary()
train_set = TrainingNotes(TRAIN_NOTES, vocab)
model = HiveStatusClassifier(len(vocab), len(STATUSES), pad_id=vocab.lookup("<pad>"))
log.info("model embedding table: %d rows", model.embed.num_embeddings)

eval_set = FieldCheckNotes(EVAL_NOTES, vocab)
vocab.freeze()

collate = Collator(pad_id=vocab.lookup("<pad>"))
train_loader = DataLoader(train_set, batch_size=4, shuffle=True, collate_fn=collate)
eval_loader = DataLoader(eval_set, batch_size=3, collate_fn=collate)

optim, loss_fn = torch.optim.AdamW(model.parameters(), lr=3e-3), nn.CrossEntropyLoss()
for epoch in range(3):
    model.train()
    running = 0.0
    for batch in train_loader:
        optim.zero_grad()
        loss = loss_fn(model(batch["tokens"]), batch["status"])
        loss.backward()
        optim.step()
        running += loss.item()
    log.info("epoch %d  train loss %.4f", epoch, running / len(train_loader))

model.eval()
hits = 0
with torch.no_grad():
    for batch in eval_loader:
        preds = model(batch["tokens"]).argmax(-1)
        hits += (preds == batch["status"]).sum().item()
print(f"field-check accuracy: {hits}/{len(eval_set)}")
