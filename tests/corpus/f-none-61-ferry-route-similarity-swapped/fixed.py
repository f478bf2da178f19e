"""Offline eval of the ferry-desk retrieval model: for each passenger question,
where does the correct route description rank among all routes?"""
import re

import torch
from torch import nn

torch.manual_seed(5)

ROUTES = [
    "harbour terminal to north island, hourly, cars allowed",
    "harbour terminal to lighthouse point, foot passengers only",
    "north island to south island shuttle, summer only",
    "mainland pier to harbour terminal, overnight freight",
    "lighthouse point to seal bay, wildlife tour",
    "south island to mainland pier, bikes carried free",
    "harbour terminal to old fort, weekend heritage sailing",
    "seal bay to north island, school-days morning run",
]

QUESTIONS = [
    "can I take my car to north island",
    "is there a boat to the lighthouse without a car",
    "which morning boat leaves seal bay for north island",
    "how do I get my bike from south island to the pier",
    "is the old fort sailing on saturday",
]
gold_routes = [0, 1, 7, 5, 6]


def words(text):
    return re.findall(r"[a-z]+", text.lower())


class BagEncoder(nn.Module):
    """Mean of word embeddings followed by a projection; good enough as a baseline."""

    def __init__(self, vocab, dim=24):
        super().__init__()
        self.vocab = {w: i + 1 for i, w in enumerate(vocab)}
        self.bag = nn.EmbeddingBag(len(vocab) + 1, dim, mode="mean")
        self.proj = nn.Linear(dim, dim)

    def forward(self, texts):
        ids, offsets = [], []
        for t in texts:
            offsets.append(len(ids))
            ids.extend(self.vocab.get(w, 0) for w in words(t))
        pooled = self.bag(torch.tensor(ids), torch.tensor(offsets))
        return nn.functional.normalize(self.proj(pooled), dim=-1)


def route_scores(question_vecs, route_vecs):
    return question_vecs @ route_vecs.T


def evaluate(encoder):
    with torch.no_grad():
        route_emb = encoder(ROUTES)
        question_emb = encoder(QUESTIONS)
    print(f"routes {tuple(route_emb.shape)}, questions {tuple(question_emb.shape)}")

    table = route_scores(question_emb, route_emb)
    hits, rr = 0, 0.0
    for qi, gold in enumerate(gold_routes):
        hit = table[qi, gold]
        rank = int((table[qi] > hit).sum()) + 1
        hits += int(rank == 1)
        rr += 1.0 / rank
        print(f"q{qi}: gold route {gold} ranked {rank}")
    n = len(gold_routes)
    return hits / n, rr / n


def main():
    vocab = sorted({w for text in ROUTES + QUESTIONS for w in words(text)})
    encoder = BagEncoder(vocab).eval()
    print(f"vocab size {len(vocab)}")
    acc, mrr = evaluate(encoder)
    print(f"hit@1 {acc:.3f}  MRR {mrr:.3f}")


if __name__ == "__main__":
    main()
