"""Rerank BM25 candidates for tax-ruling search with a tiny cross-encoder and a prior-rank embedding."""
import math
import os
import random
import tempfile
from collections import Counter

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

RULINGS = [
    ("R-101", False, "input vat on company cars is deductible only for business use"),
    ("R-102", True, "input vat on company cars is never deductible"),
    ("R-103", False, "cross border services to private persons are taxed where the supplier is based"),
    ("R-104", True, "cross border services are always taxed where the customer is based"),
    ("R-105", False, "capital gains on shares held over one year are exempt for holding companies"),
    ("R-106", False, "training costs for employees are deductible business expenses"),
    ("R-107", True, "training costs are deductible only for managers"),
    ("R-108", False, "rental income from holiday homes is taxable as business income"),
    ("R-109", False, "vat on restaurant meals with clients is deductible at half rate"),
    ("R-110", True, "vat on restaurant meals is never deductible"),
    ("R-111", False, "withholding tax on dividends to treaty residents is reduced at source"),
    ("R-112", False, "home office costs are deductible when no other workplace exists"),
]
QUERIES = {
    "is vat on company cars deductible": "R-101",
    "where are cross border services taxed": "R-103",
    "are training costs for employees deductible": "R-106",
    "is vat on restaurant meals deductible": "R-109",
}
TOP_K = 4


class Ruling:
    __slots__ = ("ref", "superseded", "text")

    def __init__(self, ref, superseded, text):
        self.ref, self.superseded, self.text = ref, superseded, text


class Bm25Index:
    __slots__ = ("docs", "bags", "df", "k1", "b")

    def __init__(self, docs, k1=1.2, b=0.75):
        self.docs, self.k1, self.b = docs, k1, b
        self.bags = [Counter(d.text.split()) for d in docs]
        self.df = Counter(w for bag in self.bags for w in bag)

    @classmethod
    def from_rows(cls, rows):
        return cls([Ruling(*row) for row in rows])

    @property
    def avg_len(self):
        return sum(sum(bag.values()) for bag in self.bags) / len(self.bags)

    def score(self, query, i):
        bag, total = self.bags[i], sum(self.bags[i].values())
        out = 0.0
        for w in query.split():
            if w not in bag:
                continue
            idf = math.log(1 + (len(self.docs) - self.df[w] + 0.5) / (self.df[w] + 0.5))
            tf = bag[w]
            out += idf * tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * total / self.avg_len))
        return out

    def retrieve(self, query):
        order = sorted(range(len(self.docs)), key=lambda i: -self.score(query, i))
        return [(rank, self.docs[i]) for rank, i in enumerate(order)]


class Shortlist:
    __slots__ = ("query", "entries")

    def __init__(self, query, entries):
        self.query, self.entries = query, entries

    @classmethod
    def from_index(cls, index, query, k):
        in_force = [doc for _, doc in index.retrieve(query) if not doc.superseded]
        return cls(query, list(enumerate(in_force[:k])))

    @property
    def refs(self):
        return [doc.ref for _, doc in self.entries]

    def encode(self, tokenizer):
        enc = tokenizer([self.query] * len(self.entries), [doc.text for _, doc in self.entries],
                        padding=True, return_tensors="pt")
        enc["prior_rank"] = torch.tensor([rank for rank, _ in self.entries])
        return enc


class RankAwareReranker(nn.Module):
    def __init__(self, config, top_k):
        super().__init__()
        self.encoder = BertModel(config)
        self.rank_prior = nn.Embedding(top_k, config.hidden_size)
        self.head = nn.Linear(config.hidden_size, 1)

    @classmethod
    def tiny(cls, vocab_size, top_k):
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        return cls(cfg, top_k)

    def forward(self, input_ids, attention_mask, token_type_ids, prior_rank):
        cls_vec = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state[:, 0]
        return self.head(cls_vec + self.rank_prior(prior_rank)).squeeze(-1)


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def main():
    index = Bm25Index.from_rows(RULINGS)
    tokenizer = BertTokenizer(write_vocab([r[2] for r in RULINGS] + list(QUERIES)))
    model = RankAwareReranker.tiny(tokenizer.vocab_size, TOP_K)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    print(f"{len(index.docs)} rulings, vocab {tokenizer.vocab_size}, top_k={TOP_K}")

    for epoch in range(3):
        total = 0.0
        for query, gold in QUERIES.items():
            shortlist = Shortlist.from_index(index, query, TOP_K)
            if gold not in shortlist.refs:
                continue
            scores = model(**shortlist.encode(tokenizer))
            loss = nn.functional.cross_entropy(scores.unsqueeze(0), torch.tensor([shortlist.refs.index(gold)]))
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: listwise loss {total / len(QUERIES):.4f}")

    model.eval()
    with torch.no_grad():
        for query in QUERIES:
            shortlist = Shortlist.from_index(index, query, TOP_K)
            scores = model(**shortlist.encode(tokenizer))
            best = shortlist.refs[int(scores.argmax())]
            print(f"{query!r} -> {best}")


if __name__ == "__main__":
    main()
