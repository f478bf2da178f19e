import re

import torch
import torch.nn.functional as F

torch.manual_seed(0)

catalog = [
    "stainless steel hex bolt m8 40mm",
    "galvanized wood screw 5x60",
    "nylon wall plug 8mm pack of 50",
    "stainless steel hex bolt m8 40mm",
    "brass hinge 75mm satin finish",
    "galvanized wood screw 5x60",
    "rubber door stop grey",
    "zinc plated washer m10",
    "brass hinge 75mm satin finish",
    "cordless drill battery 18v 2ah",
]

queries = [
    ("m8 bolt stainless", 0),
    ("wall plugs 8mm", 2),
    ("satin brass hinge", 4),
    ("door stop rubber", 6),
    ("hinge brass 75mm", 8),
    ("washer m10 zinc", 7),
    ("18v drill battery", 9),
]


def tokenize(text):
    return re.findall(r"[a-z0-9]+", text.lower())


class BagOfWordsEncoder:
    def __init__(self, texts):
        words = sorted({w for t in texts for w in tokenize(t)})
        self.index = {w: i for i, w in enumerate(words)}
        self.proj = torch.randn(len(words), 32) * 0.1 + torch.eye(len(words), 32)

    def encode(self, texts):
        counts = torch.zeros(len(texts), len(self.index))
        for row, text in enumerate(texts):
            for w in tokenize(text):
                if w in self.index:
                    counts[row, self.index[w]] += 1.0
        return F.normalize(counts @ self.proj, dim=-1)


def main():
    unique = sorted(set(catalog))
    print(f"catalog: {len(catalog)} listings, {len(unique)} distinct products")

    encoder = BagOfWordsEncoder(unique + [q for q, _ in queries])
    doc_vecs = encoder.encode(unique)
    query_vecs = encoder.encode([q for q, _ in queries])
    scores = query_vecs @ doc_vecs.T

    hits = 0
    gold_scores = []
    for qi, (text, gold) in enumerate(queries):
        gold_score = scores[qi, gold]
        rank = int((scores[qi] > gold_score).sum()) + 1
        gold_scores.append(gold_score.item())
        hits += int(rank == 1)
        print(f"{text!r:24} -> gold {catalog[gold]!r} rank {rank} score {gold_score:.3f}")

    print(f"top-1 accuracy: {hits / len(queries):.2f}")
    print(f"mean gold score: {sum(gold_scores) / len(gold_scores):.3f}")


if __name__ == "__main__":
    main()
