import math
import zlib
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

RNG = np.random.default_rng(7)
torch.manual_seed(7)

NUM_BUCKETS = 2 ** 14
NGRAM_RANGE = (3, 4)
DENSE_FEATURES = ["log_price", "avg_rating", "log_reviews", "in_stock"]
N_DENSE = len(DENSE_FEATURES)


CATEGORIES = {
    "audio": ["earbuds", "headphones", "speaker", "soundbar"],
    "kitchen": ["kettle", "blender", "toaster", "airfryer"],
    "outdoor": ["tent", "backpack", "headlamp", "sleeping bag"],
}
MODIFIERS = ["wireless", "compact", "premium", "budget", "waterproof", "stainless", "portable"]


def char_ngrams(text, lo=NGRAM_RANGE[0], hi=NGRAM_RANGE[1]):
    padded = f"#{text.lower()}#"
    for n in range(lo, hi + 1):
        for i in range(len(padded) - n + 1):
            yield padded[i:i + n]


def hash_text(text):
    return [zlib.crc32(g.encode()) % NUM_BUCKETS for g in char_ngrams(text)]


def to_bag(texts):
    ids, offsets = [], []
    for t in texts:
        offsets.append(len(ids))
        ids.extend(hash_text(t))
    return torch.tensor(ids, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


@dataclass
class Product:
    title: str
    category: str
    price: float
    rating: float
    reviews: int
    in_stock: bool

    def dense(self):
        feats = {
            "log_price": math.log1p(self.price),
            "avg_rating": self.rating / 5.0,
            "log_reviews": math.log1p(self.reviews) / 10.0,
            "in_stock": float(self.in_stock),
        }
        return [feats[name] for name in DENSE_FEATURES]


def make_catalog(n):
    catalog = []
    for _ in range(n):
        cat = RNG.choice(list(CATEGORIES))
        noun = RNG.choice(CATEGORIES[cat])
        mods = RNG.choice(MODIFIERS, size=2, replace=False)
        catalog.append(Product(
            title=f"{mods[0]} {noun} {mods[1]} edition",
            category=cat,
            price=float(RNG.uniform(5, 400)),
            rating=float(RNG.uniform(2.5, 5.0)),
            reviews=int(RNG.integers(0, 5000)),
            in_stock=bool(RNG.random() > 0.1),
        ))
    return catalog


def make_queries(catalog, n):
    out = []
    for _ in range(n):
        pos = int(RNG.integers(len(catalog)))
        words = catalog[pos].title.split()
        out.append((" ".join(words[:2]), pos))
    return out


@dataclass
class TowerConfig:
    emb_dim: int = 48
    out_dim: int = 64
    dropout: float = 0.1
    temperature: float = 0.05
    extra: dict = field(default_factory=dict)


class QueryTower(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bag = nn.EmbeddingBag(NUM_BUCKETS, cfg.emb_dim, mode="mean")
        self.proj = nn.Sequential(nn.Linear(cfg.emb_dim, cfg.out_dim), nn.GELU(), nn.Dropout(cfg.dropout),
                                  nn.Linear(cfg.out_dim, cfg.out_dim))

    def forward(self, ids, offsets):
        return F.normalize(self.proj(self.bag(ids, offsets)), dim=-1)


class ProductTower(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bag = nn.EmbeddingBag(NUM_BUCKETS, cfg.emb_dim, mode="mean")
        self.proj = nn.Sequential(nn.Linear(cfg.emb_dim + N_DENSE, cfg.out_dim), nn.GELU(),
                                  nn.Dropout(cfg.dropout), nn.Linear(cfg.out_dim, cfg.out_dim))

    def forward(self, ids, offsets, dense):
        x = torch.cat([self.bag(ids, offsets), dense], dim=-1)
        return F.normalize(self.proj(x), dim=-1)


def batches(queries, size):
    order = RNG.permutation(len(queries))
    for start in range(0, len(order), size):
        yield [queries[i] for i in order[start:start + size]]


def pairwise_hard_negative_loss(q_vec, p_vec, margin=0.2):
    sims = q_vec @ p_vec.T
    pos = sims.diagonal()
    masked = sims - torch.eye(len(sims)) * 1e4
    hardest = masked.max(dim=1).values
    return F.relu(margin - pos + hardest).mean()


def main():
    cfg = TowerConfig()
    catalog = make_catalog(300)
    queries = make_queries(catalog, 512)
    q_tower, p_tower = QueryTower(cfg), ProductTower(cfg)
    opt = torch.optim.Adam(list(q_tower.parameters()) + list(p_tower.parameters()), lr=1e-3)

    for epoch in range(3):
        losses = []
        for chunk in batches(queries, 32):
            q_ids, q_off = to_bag([q for q, _ in chunk])
            prods = [catalog[p] for _, p in chunk]
            p_ids, p_off = to_bag([p.title for p in prods])
            dense = torch.tensor([p.dense() for p in prods], dtype=torch.float32)

            q_vec = q_tower(q_ids, q_off)
            p_vec = p_tower(p_ids, p_off, dense)
            loss = pairwise_hard_negative_loss(q_vec, p_vec)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: hinge {np.mean(losses):.4f}")


if __name__ == "__main__":
    main()
