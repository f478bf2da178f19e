import math
import random
import zlib
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class TowerConfig:
    n_buckets: int = 4096
    dim: int = 48
    max_len: int = 32
    n_heads: int = 4
    group_size: int = 6


PAD, CLS = 0, 1
RESERVED = 2

VOCAB = ("usb c cable braided 2m fast charging phone case clear slim iphone samsung galaxy "
         "screen protector tempered glass laptop stand aluminium adjustable desk lamp led "
         "dimmable wireless mouse ergonomic keyboard mechanical rgb gaming headset microphone "
         "kids water bottle insulated stainless steel 750ml hiking boots waterproof men women").split()


def hashed_ngrams(text, n_buckets, n=(1, 2, 3)):
    toks = text.lower().split()
    ids = []
    for k in n:
        for i in range(len(toks) - k + 1):
            gram = " ".join(toks[i : i + k])
            ids.append(RESERVED + zlib.crc32(gram.encode()) % (n_buckets - RESERVED))
    return ids


def encode(text, cfg):
    ids = hashed_ngrams(text, cfg.n_buckets)[: cfg.max_len]
    return [CLS] + ids


def synth_queries(rng, n_queries, n_products):
    titles = [" ".join(rng.choices(VOCAB, k=rng.randint(4, 14))) for _ in range(n_products)]
    groups = []
    for _ in range(n_queries):
        anchor = rng.randrange(n_products)
        words = titles[anchor].split()
        query = " ".join(rng.sample(words, k=min(len(words), rng.randint(1, 3))))
        qset = set(query.split())
        scored = sorted(range(n_products), key=lambda j: -len(qset & set(titles[j].split())))
        hard = [j for j in scored[:20] if j != anchor]
        groups.append((query, anchor, hard))
    return titles, groups


class ListwiseGroups(Dataset):
    def __init__(self, titles, groups, cfg, rng):
        self.titles, self.groups, self.cfg, self.rng = titles, groups, cfg, rng

    def __len__(self):
        return len(self.groups)

    def __getitem__(self, i):
        query, pos, hard = self.groups[i]
        negs = self.rng.sample(hard, k=self.cfg.group_size - 1)
        cands = [pos] + negs
        q_words = set(query.split())
        grades = [3] + [min(2, len(q_words & set(self.titles[j].split()))) for j in negs]
        return {
            "query": encode(query, self.cfg),
            "titles": [encode(self.titles[j], self.cfg) for j in cands],
            "grades": grades,
        }


def pad(seqs):
    width = max(map(len, seqs))
    return torch.tensor([s + [PAD] * (width - len(s)) for s in seqs], dtype=torch.long)


def collate(batch):
    flat_titles = [t for ex in batch for t in ex["titles"]]
    return {
        "query_ids": pad([ex["query"] for ex in batch]),
        "title_ids": pad(flat_titles),
        "grades": torch.tensor([ex["grades"] for ex in batch], dtype=torch.float),
    }


class Tower(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok = nn.Embedding(cfg.n_buckets, cfg.dim, padding_idx=PAD)
        self.pos = nn.Embedding(cfg.max_len, cfg.dim)
        layer = nn.TransformerEncoderLayer(cfg.dim, cfg.n_heads, 2 * cfg.dim, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)

    def forward(self, ids):
        positions = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.enc(h, src_key_padding_mask=ids.eq(PAD))
        return F.normalize(h[:, 0], dim=-1)


class TwoTower(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.query_tower = Tower(cfg)
        self.item_tower = Tower(cfg)
        self.log_temp = nn.Parameter(torch.tensor(math.log(20.0)))

    def forward(self, batch):
        q = self.query_tower(batch["query_ids"])
        d = self.item_tower(batch["title_ids"]).view(q.size(0), self.cfg.group_size, -1)
        return torch.einsum("bd,bgd->bg", q, d) * self.log_temp.exp()


def listnet_loss(scores, grades):
    target = F.softmax(grades, dim=-1)
    return -(target * F.log_softmax(scores, dim=-1)).sum(-1).mean()


def ndcg_at_k(scores, grades, k=5):
    order = scores.argsort(dim=-1, descending=True)[:, :k]
    gains = (2 ** grades.gather(1, order) - 1)
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (gains.numpy() * disc).sum(1)
    ideal = (2 ** grades.sort(dim=-1, descending=True).values[:, :k] - 1).numpy()
    return float(np.mean(dcg / np.maximum((ideal * disc).sum(1), 1e-9)))


def train():
    rng = random.Random(7)
    torch.manual_seed(7)
    cfg = TowerConfig(max_len=24)
    titles, groups = synth_queries(rng, n_queries=64, n_products=200)
    loader = DataLoader(ListwiseGroups(titles, groups, cfg, rng), batch_size=8,
                        shuffle=True, collate_fn=collate)
    model = TwoTower(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(2):
        model.train()
        for batch in loader:
            scores = model(batch)
            loss = listnet_loss(scores, batch["grades"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            batch = next(iter(loader))
            print(f"epoch {epoch} loss {loss.item():.4f} ndcg@5 {ndcg_at_k(model(batch), batch['grades']):.3f}")


if __name__ == "__main__":
    train()
