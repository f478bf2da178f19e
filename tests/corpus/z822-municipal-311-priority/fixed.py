"""Priority model for municipal 311 service requests.

A small BERT-style encoder reads the request text; a learned recency table lets
stale requests climb the queue. Plain PyTorch, no transformers dependency on the
city's scheduling box.
"""
import math
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

random.seed(3)
torch.manual_seed(3)

MAX_DAYS_TRACKED = 30          # older requests go to the backlog review board instead
PRIORITIES = ["routine", "soon", "urgent"]
SNAPSHOT = datetime(2024, 3, 18, 9, 0)


@dataclass
class Request:
    text: str
    opened: datetime
    priority: str


REQUESTS = [
    Request("streetlight out on elm avenue", SNAPSHOT - timedelta(days=2, hours=3), "routine"),
    Request("water main leaking onto road", SNAPSHOT - timedelta(hours=5), "urgent"),
    Request("pothole near school crossing", SNAPSHOT - timedelta(days=6), "soon"),
    Request("graffiti on park bench", SNAPSHOT - timedelta(days=19), "routine"),
    Request("fallen tree blocking lane", SNAPSHOT - timedelta(hours=1, minutes=40), "urgent"),
    Request("missed recycling pickup", SNAPSHOT - timedelta(days=1), "soon"),
    Request("traffic signal flashing red", SNAPSHOT - timedelta(hours=11), "urgent"),
    Request("overgrown hedge over sidewalk", SNAPSHOT - timedelta(days=12), "routine"),
    Request("abandoned car on cul de sac", SNAPSHOT - timedelta(days=47), "routine"),
]


def tokenize(text):
    return re.findall(r"[a-z]+", text.lower())


def build_vocab(reqs):
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2}
    for r in reqs:
        for w in tokenize(r.text):
            vocab.setdefault(w, len(vocab))
    return vocab


def hours_open(opened, now=SNAPSHOT):
    return (now - opened).total_seconds() / 3600.0


def collate(batch, vocab):
    seqs = [[vocab["[CLS]"]] + [vocab.get(w, 1) for w in tokenize(r.text)] for r in batch]
    width = max(len(s) for s in seqs)
    token_ids = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        token_ids[i, : len(s)] = torch.tensor(s)
    age_idx = torch.tensor([int(hours_open(r.opened) // 24) for r in batch])
    target = torch.tensor([PRIORITIES.index(r.priority) for r in batch])
    return {"token_ids": token_ids, "pad": token_ids.eq(0), "age_idx": age_idx, "target": target}


class RequestScorer(nn.Module):
    def __init__(self, vocab_size, dim=32, max_len=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.recency = nn.Embedding(MAX_DAYS_TRACKED + 1, dim)
        self.head = nn.Linear(dim, len(PRIORITIES))

    def forward(self, token_ids, pad, age_idx):
        positions = torch.arange(token_ids.size(1), device=token_ids.device)
        h = self.tok(token_ids) + self.pos(positions)[None]
        h = self.encoder(h, src_key_padding_mask=pad)
        return self.head(h[:, 0] + self.recency(age_idx))


def in_scope(reqs):
    cutoff = SNAPSHOT - timedelta(days=MAX_DAYS_TRACKED)
    kept = [r for r in reqs if r.opened >= cutoff]
    print(f"{len(kept)}/{len(reqs)} requests in scope, {len(reqs) - len(kept)} sent to backlog review")
    return kept


def main():
    requests = in_scope(REQUESTS)
    vocab = build_vocab(requests)
    loader = DataLoader(requests, batch_size=4, shuffle=True, collate_fn=partial(collate, vocab=vocab))
    model = RequestScorer(len(vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    for r in requests:
        print(f"  open {hours_open(r.opened):6.1f} h  [{r.priority:>7s}] {r.text}")

    for epoch in range(4):
        total = 0.0
        for batch in loader:
            logits = model(batch["token_ids"], batch["pad"], batch["age_idx"])
            loss = loss_fn(logits, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f} (chance {math.log(len(PRIORITIES)):.4f})")

    model.eval()
    with torch.no_grad():
        batch = collate(requests, vocab)
        pred = model(batch["token_ids"], batch["pad"], batch["age_idx"]).argmax(-1)
    for r, p in zip(requests, pred.tolist()):
        print(f"{PRIORITIES[p]:>7s}  {r.text}")


if __name__ == "__main__":
    main()
