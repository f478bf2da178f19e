import zlib
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_BUCKETS = 2 ** 14
MAX_GRAMS = 48
EMB_DIM = 32
TEMPERATURE = 0.05

rng = np.random.default_rng(11)
CATALOG_WORDS = {
    "footwear": ["running", "shoe", "trail", "sneaker", "mesh", "lace", "sole"],
    "kitchen": ["kettle", "electric", "steel", "blender", "mug", "ceramic", "pan"],
    "audio": ["headphones", "wireless", "bluetooth", "earbuds", "noise", "cancelling", "speaker"],
    "outdoor": ["tent", "backpack", "hiking", "waterproof", "sleeping", "bag", "lantern"],
}
COMMON = ["black", "white", "large", "small", "pro", "2pack", "men", "women", "kids"]


def char_ngrams(text, n_values=(3, 4)):
    grams = []
    for tok in text.lower().split():
        padded = f"#{tok}#"
        for n in n_values:
            grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
        grams.append("w:" + tok)
    return grams


def bucket(gram):
    return zlib.crc32(gram.encode("utf8")) % (NUM_BUCKETS - 1) + 1


def hash_texts(texts):
    ids = np.zeros((len(texts), MAX_GRAMS))
    for row, text in enumerate(texts):
        b = [bucket(g) for g in char_ngrams(text)][:MAX_GRAMS]
        ids[row, :len(b)] = b
    return torch.from_numpy(ids)


def synth_catalog(n_products=200):
    cats = list(CATALOG_WORDS)
    products = []
    for pid in range(n_products):
        cat = cats[pid % len(cats)]
        words = list(rng.choice(CATALOG_WORDS[cat], size=3, replace=False)) + list(rng.choice(COMMON, size=2, replace=False))
        products.append({"pid": pid, "cat": cat, "title": " ".join(words)})
    return products


def synth_queries(products, n_queries=96):
    by_cat = defaultdict(list)
    for p in products:
        by_cat[p["cat"]].append(p)
    out = []
    for _ in range(n_queries):
        cat = rng.choice(list(by_cat))
        pos = by_cat[cat][rng.integers(len(by_cat[cat]))]
        q_words = rng.choice(pos["title"].split(), size=2, replace=False)
        out.append({"query": " ".join(q_words), "pos_pid": pos["pid"], "cat": cat})
    return out


class HashTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.EmbeddingBag(NUM_BUCKETS, EMB_DIM, mode="sum", padding_idx=0)
        self.proj = nn.Sequential(nn.Linear(EMB_DIM, EMB_DIM), nn.Tanh(), nn.Linear(EMB_DIM, EMB_DIM))

    def forward(self, gram_ids):
        pooled = self.emb(gram_ids)
        counts = (gram_ids != 0).sum(1, keepdim=True).clamp(min=1)
        return F.normalize(self.proj(pooled / counts), dim=-1)


class TwoTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.query_tower = HashTower()
        self.item_tower = HashTower()

    def forward(self, q_ids, d_ids):
        return self.query_tower(q_ids), self.item_tower(d_ids)


def mine_hard_negatives(model, queries, products, title_ids, k=1):
    model.eval()
    with torch.no_grad():
        q = model.query_tower(hash_texts([x["query"] for x in queries]))
        d = model.item_tower(title_ids)
        sims = q @ d.T
        for i, x in enumerate(queries):
            sims[i, x["pos_pid"]] = -1e4
        hard = sims.topk(k, dim=1).indices
    model.train()
    return hard


def train(epochs=3, batch_size=16):
    torch.manual_seed(0)
    products = synth_catalog()
    queries = synth_queries(products)
    title_ids = hash_texts([p["title"] for p in products])
    model = TwoTower()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(epochs):
        hard = mine_hard_negatives(model, queries, products, title_ids)
        perm = torch.randperm(len(queries))
        total = 0.0
        for start in range(0, len(queries), batch_size):
            idx = perm[start:start + batch_size]
            batch_q = [queries[i] for i in idx.tolist()]
            q_ids = hash_texts([x["query"] for x in batch_q])
            pos_pids = torch.tensor([x["pos_pid"] for x in batch_q])
            neg_pids = hard[idx, 0]
            cand_ids = title_ids[torch.cat([pos_pids, neg_pids])]
            q_vec, d_vec = model(q_ids, cand_ids)
            logits = q_vec @ d_vec.T / TEMPERATURE
            labels = torch.arange(len(batch_q))
            loss = F.cross_entropy(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: in-batch softmax loss {total:.3f}")


if __name__ == "__main__":
    train()
