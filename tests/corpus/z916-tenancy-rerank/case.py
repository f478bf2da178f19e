"""Pairwise reranker for tenancy-dispute case law.

Each query (a tenant's question) comes with one relevant holding and a few
hard negatives mined from BM25. We score (query, passage) pairs with a small
transformer cross-encoder and train it with a hinge loss so the relevant
holding outscores the negatives.
"""
import functools
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(13)
torch.manual_seed(13)

TRAIN = [
    {"q": "can my landlord keep the deposit for normal wear",
     "pos": "ordinary wear and tear cannot be deducted from a security deposit",
     "negs": ["a landlord must give notice before entering the unit",
              "rent increases require sixty days written notice"]},
    {"q": "how much notice before eviction for unpaid rent",
     "pos": "a pay or quit notice must allow fourteen days for unpaid rent",
     "negs": ["a security deposit must be returned within thirty days",
              "mold remediation is the landlord's duty under habitability",
              "subletting requires written consent of the landlord"]},
    {"q": "is the landlord responsible for mold",
     "pos": "mold remediation is the landlord's duty under habitability",
     "negs": ["rent increases require sixty days written notice"]},
    {"q": "can i sublet my apartment without permission",
     "pos": "subletting requires written consent of the landlord",
     "negs": ["ordinary wear and tear cannot be deducted from a security deposit",
              "a pay or quit notice must allow fourteen days for unpaid rent",
              "a landlord must give notice before entering the unit"]},
    {"q": "when must the deposit be returned",
     "pos": "a security deposit must be returned within thirty days",
     "negs": ["subletting requires written consent of the landlord",
              "mold remediation is the landlord's duty under habitability"]},
    {"q": "does the landlord need notice to enter",
     "pos": "a landlord must give notice before entering the unit",
     "negs": ["a pay or quit notice must allow fourteen days for unpaid rent"]},
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]


@dataclass
class Vocab:
    itos: list = field(default_factory=lambda: list(SPECIALS))

    def __post_init__(self):
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def add_corpus(self, texts):
        for t in texts:
            for w in t.split():
                if w not in self.stoi:
                    self.stoi[w] = len(self.itos)
                    self.itos.append(w)

    def encode_pair(self, a, b):
        toks = ["[CLS]"] + a.split() + ["[SEP]"] + b.split() + ["[SEP]"]
        return [self.stoi.get(w, 1) for w in toks]


def collate_candidates(examples, vocab):
    """Flatten every (query, candidate) pair of the batch into one tensor."""
    seqs, owner, is_gold = [], [], []
    for qi, ex in enumerate(examples):
        for j, passage in enumerate([ex["pos"]] + ex["negs"]):
            seqs.append(vocab.encode_pair(ex["q"], passage))
            owner.append(qi)
            is_gold.append(j == 0)
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, : len(s)] = torch.tensor(s)
    return {
        "ids": ids,
        "pad": ids.eq(0),
        "owner": torch.tensor(owner),
        "is_gold": torch.tensor(is_gold),
    }


class CrossScorer(nn.Module):
    def __init__(self, vocab_size, dim=32, heads=2, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.out = nn.Linear(dim, 1)

    def forward(self, ids, pad):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=pad)
        return self.out(h[:, 0]).squeeze(-1)


def pairwise_hinge(scores, is_gold, owner, margin=1.0):
    gold = scores[is_gold]
    rivals = scores[~is_gold]
    return F.relu(margin - gold + rivals).mean()


def batches(data, size):
    order = list(range(len(data)))
    random.shuffle(order)
    for start in range(0, len(order), size):
        yield [data[i] for i in order[start:start + size]]


def main():
    vocab = Vocab()
    vocab.add_corpus(ex["q"] for ex in TRAIN)
    vocab.add_corpus(p for ex in TRAIN for p in [ex["pos"]] + ex["negs"])
    print(f"vocab size: {len(vocab.itos)}")

    model = CrossScorer(len(vocab.itos))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    collate = functools.partial(collate_candidates, vocab=vocab)

    for epoch in range(3):
        total = 0.0
        for chunk in batches(TRAIN, size=3):
            b = collate(chunk)
            scores = model(b["ids"], b["pad"])
            loss = pairwise_hinge(scores, b["is_gold"], b["owner"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: hinge loss {total:.4f}")

    model.eval()
    with torch.no_grad():
        b = collate(TRAIN[:2])
        print("scores for first two queries:", b["owner"].tolist(), model(b["ids"], b["pad"]).tolist())


if __name__ == "__main__":
    main()
