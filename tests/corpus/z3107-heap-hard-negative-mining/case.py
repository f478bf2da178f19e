import heapq
import random
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

N_BUCKETS = 2 ** 14
EMB_DIM = 64
HARD_K = 4

ADJ = ["red", "black", "cordless", "portable", "organic", "vintage", "heavy", "duty", "compact", "smart"]
NOUN = ["drill", "vacuum", "blender", "kettle", "lamp", "tent", "backpack", "watch", "tripod", "router"]
EXTRA = ["with", "case", "set", "kit", "pro", "mini", "2 pack", "for home", "outdoor", "20v"]


def char_trigrams(text):
    padded = f"#{text.lower()}#"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def featurize(text):
    grams = text.lower().split() + char_trigrams(text)
    return [zlib.adler32(g.encode()) % N_BUCKETS for g in grams]


def make_catalog(rng, n=300):
    return [
        {"pid": i, "title": f"{rng.choice(ADJ)} {rng.choice(NOUN)} {rng.choice(EXTRA)} {rng.choice(ADJ)}"}
        for i in range(n)
    ]


def make_queries(rng, catalog, n=50):
    out = []
    for _ in range(n):
        item = rng.choice(catalog)
        words = item["title"].split()
        out.append({"query": " ".join(words[:2]), "positive": item["pid"]})
    return out


def lexical_score(query, title):
    q, t = set(query.split()), set(title.split())
    return len(q & t)


def mine_hard_negatives(query, positive_pid, catalog, k=HARD_K):
    heap = []
    for cand in catalog:
        if cand["pid"] == positive_pid:
            continue
        score = lexical_score(query, cand["title"])
        if score == 0:
            continue
        entry = (score, cand)
        if len(heap) < k:
            heapq.heappush(heap, entry)
        else:
            heapq.heappushpop(heap, entry)
    return [e[-1]["pid"] for e in sorted(heap, key=lambda e: -e[0])]


class BagTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.bag = nn.EmbeddingBag(N_BUCKETS, EMB_DIM, mode="mean")
        self.proj = nn.Linear(EMB_DIM, EMB_DIM)

    def forward(self, token_lists):
        flat = torch.tensor([t for toks in token_lists for t in toks], dtype=torch.long)
        offsets = torch.tensor([0] + [len(t) for t in token_lists[:-1]]).cumsum(0)
        return F.normalize(self.proj(self.bag(flat, offsets)), dim=-1)


def training_triples(queries, catalog, rng):
    for q in queries:
        negs = mine_hard_negatives(q["query"], q["positive"], catalog)
        if not negs:
            negs = [rng.randrange(len(catalog))]
        for n in negs:
            yield q["query"], catalog[q["positive"]]["title"], catalog[n]["title"]


def main():
    rng = random.Random(2024)
    torch.manual_seed(2024)
    catalog = make_catalog(rng)
    queries = make_queries(rng, catalog)
    triples = list(training_triples(queries, catalog, rng))
    print(f"mined {len(triples)} (query, pos, hard-neg) triples")

    q_tower, d_tower = BagTower(), BagTower()
    params = list(q_tower.parameters()) + list(d_tower.parameters())
    opt = torch.optim.SGD(params, lr=0.5, momentum=0.9)
    margin_loss = nn.MarginRankingLoss(margin=0.2)

    for epoch in range(3):
        rng.shuffle(triples)
        running = 0.0
        for i in range(0, len(triples), 32):
            chunk = triples[i : i + 32]
            q = q_tower([featurize(a) for a, _, _ in chunk])
            pos = d_tower([featurize(b) for _, b, _ in chunk])
            neg = d_tower([featurize(c) for _, _, c in chunk])
            s_pos, s_neg = (q * pos).sum(-1), (q * neg).sum(-1)
            loss = margin_loss(s_pos, s_neg, torch.ones_like(s_pos))
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(chunk)
        print(f"epoch {epoch}: margin loss {running / len(triples):.4f}")


if __name__ == "__main__":
    main()
