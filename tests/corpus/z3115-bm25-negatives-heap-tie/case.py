import heapq
import math
import os
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
TOPK_NEG = 4
MAX_LEN = 32
GRADE_NAMES = {0: "irrelevant", 1: "partial", 2: "substitute", 3: "exact"}

WORDS = (
    "organic green tea bags loose leaf matcha powder coffee beans espresso ground decaf "
    "oat milk almond protein bar chocolate dark vegan gluten free honey raw jar bottle "
    "pack 6 12 24 oz large small"
).split()


def write_vocab():
    path = os.path.join(HERE, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))) + "\n")
    return path


def make_catalog(rng, n=120):
    catalog = []
    for pid in range(n):
        k = rng.randint(3, 7)
        catalog.append({"pid": pid, "title": " ".join(rng.sample(WORDS, k))})
    return catalog


def make_queries(rng, catalog, n=30):
    out = []
    for qid in range(n):
        target = rng.choice(catalog)
        q_terms = rng.sample(target["title"].split(), 2)
        out.append({"qid": qid, "text": " ".join(q_terms), "exact_pid": target["pid"]})
    return out


class TermOverlapIndex:
    def __init__(self, catalog):
        self.catalog = catalog
        self.df = Counter()
        for item in catalog:
            self.df.update(set(item["title"].split()))
        self.n = len(catalog)

    def idf(self, term):
        return math.log(1 + (self.n - self.df[term] + 0.5) / (self.df[term] + 0.5))

    def score(self, query, title):
        title_terms = set(title.split())
        return round(sum(self.idf(t) for t in query.split() if t in title_terms), 3)

    def hard_negatives(self, query, exclude_pid, k):
        heap = []
        for item in self.catalog:
            if item["pid"] == exclude_pid:
                continue
            s = self.score(query, item["title"])
            if s <= 0:
                continue
            if len(heap) < k:
                heapq.heappush(heap, (s, item))
            else:
                heapq.heappushpop(heap, (s, item))
        return [it for _, it in sorted(heap, key=lambda x: -x[0])]


def grade(query, title):
    q, t = set(query.split()), set(title.split())
    overlap = len(q & t) / max(len(q), 1)
    return 3 if overlap == 1.0 else (2 if overlap >= 0.5 else 0)


def build_training_groups(queries, catalog, index):
    groups = []
    for q in queries:
        pos = catalog[q["exact_pid"]]
        negs = index.hard_negatives(q["text"], q["exact_pid"], TOPK_NEG)
        cands = [pos] + negs
        groups.append({
            "query": q["text"],
            "titles": [c["title"] for c in cands],
            "labels": [grade(q["text"], c["title"]) for c in cands],
        })
    return groups


def pairwise_logistic(scores, labels):
    diff_lbl = labels.unsqueeze(1) - labels.unsqueeze(0)
    diff_score = scores.unsqueeze(1) - scores.unsqueeze(0)
    mask = diff_lbl > 0
    if not mask.any():
        return scores.sum() * 0.0
    return F.softplus(-diff_score[mask]).mean()


def main():
    rng = random.Random(5)
    torch.manual_seed(5)
    tokenizer = BertTokenizer(write_vocab())
    catalog = make_catalog(rng)
    queries = make_queries(rng, catalog)
    index = TermOverlapIndex(catalog)
    groups = build_training_groups(queries, catalog, index)
    print(f"{len(groups)} groups, label mix:", Counter(GRADE_NAMES[l] for g in groups for l in g["labels"]))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64, num_labels=1)
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-4)
    model.train()
    for epoch in range(2):
        losses = []
        for g in groups:
            enc = tokenizer([g["query"]] * len(g["titles"]), g["titles"], padding=True,
                            truncation=True, max_length=MAX_LEN, return_tensors="pt")
            scores = model(**enc).logits.squeeze(-1)
            loss = pairwise_logistic(scores, torch.tensor(g["labels"], dtype=torch.float))
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch} ranknet loss {sum(losses) / len(losses):.4f}")


if __name__ == "__main__":
    main()
