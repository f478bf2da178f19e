import random
from collections import defaultdict
from typing import NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 7
HIST_LEN = 10
NUM_NEG = 4
EMB_DIM = 32
BATCH_SIZE = 64

random.seed(SEED)
torch.manual_seed(SEED)


def make_catalog(n_items=240, n_cats=12):
    store = {"sku": [], "category": [], "price_bucket": []}
    for i in range(n_items):
        store["sku"].append(f"sku-{i:05d}")
        store["category"].append(f"cat_{random.randrange(n_cats)}")
        store["price_bucket"].append(random.randrange(5))
    return store


def make_log(catalog, n_users=150, n_events=4000):
    skus = catalog["sku"]
    popular = skus[: len(skus) // 4]
    log = []
    for t in range(n_events):
        user = f"u{random.randrange(n_users):04d}"
        sku = random.choice(popular) if random.random() < 0.6 else random.choice(skus)
        log.append((user, sku, t))
    return log


class Batch(NamedTuple):
    users: torch.Tensor
    history: torch.Tensor
    pos_items: torch.Tensor
    neg_items: torch.Tensor


def build_examples(log, user2idx, item2idx, n_items):
    seen = defaultdict(list)
    examples = []
    for user, sku, _ts in sorted(log, key=lambda r: r[2]):
        uid, iid = user2idx[user], item2idx[sku]
        hist = seen[uid][-HIST_LEN:]
        if hist:
            padded = hist + [0] * (HIST_LEN - len(hist))
            negs = [random.randint(1, n_items) for _ in range(NUM_NEG)]
            examples.append((uid, padded, iid, negs))
        seen[uid].append(iid)
    return examples


def batches(examples, batch_size):
    order = list(range(len(examples)))
    random.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [examples[j] for j in order[start:start + batch_size]]
        u, h, p, n = zip(*chunk)
        yield Batch(torch.tensor(u), torch.tensor(h), torch.tensor(p), torch.tensor(n))


class TwoTower(nn.Module):
    def __init__(self, n_users, n_items, n_cats, item_cat, dim):
        super().__init__()
        self.user_emb = nn.Embedding(n_users, dim)
        self.item_emb = nn.Embedding(n_items, dim, padding_idx=0)
        self.cat_emb = nn.Embedding(n_cats, dim)
        self.register_buffer("item_cat", item_cat)
        self.user_mlp = nn.Sequential(nn.Linear(2 * dim, dim), nn.ReLU(), nn.Linear(dim, dim))
        self.item_mlp = nn.Sequential(nn.Linear(2 * dim, dim), nn.ReLU(), nn.Linear(dim, dim))

    def encode_users(self, users, history):
        h = self.item_emb(history)
        valid = (history != 0).unsqueeze(-1).float()
        h = (h * valid).sum(1) / valid.sum(1).clamp(min=1.0)
        x = torch.cat([self.user_emb(users), h], dim=-1)
        return F.normalize(self.user_mlp(x), dim=-1)

    def encode_items(self, items):
        x = torch.cat([self.item_emb(items), self.cat_emb(self.item_cat[items])], dim=-1)
        return F.normalize(self.item_mlp(x), dim=-1)

    def forward(self, b: Batch):
        u = self.encode_users(b.users, b.history)
        pos = self.encode_items(b.pos_items)
        neg = self.encode_items(b.neg_items)
        pos_score = (u * pos).sum(-1, keepdim=True)
        neg_score = torch.einsum("bd,bkd->bk", u, neg)
        return torch.cat([pos_score, neg_score], dim=1) / 0.1


def main():
    catalog = make_catalog()
    log = make_log(catalog)

    user2idx = {u: i for i, u in enumerate(sorted({u for u, _, _ in log}))}
    item2idx = {sku: i + 1 for i, sku in enumerate(catalog["sku"])}
    cat2idx = {c: i for i, c in enumerate(sorted(set(catalog["category"])))}

    item_cat = torch.zeros(len(item2idx) + 1, dtype=torch.long)
    for sku, cat in zip(catalog["sku"], catalog["category"]):
        item_cat[item2idx[sku]] = cat2idx[cat]

    n_items = len(item2idx)
    examples = build_examples(log, user2idx, item2idx, n_items)
    print(f"users={len(user2idx)} items={n_items} examples={len(examples)}")

    model = TwoTower(len(user2idx), n_items + 1, len(cat2idx), item_cat, EMB_DIM)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(2):
        total, steps = 0.0, 0
        for batch in batches(examples, BATCH_SIZE):
            logits = model(batch)
            target = torch.zeros(logits.size(0), dtype=torch.long)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            steps += 1
        print(f"epoch {epoch} loss {total / steps:.4f}")

    model.eval()
    with torch.no_grad():
        all_items = torch.arange(1, n_items + 1)
        item_vecs = model.encode_items(all_items)
        print("catalog embeddings:", tuple(item_vecs.shape))


if __name__ == "__main__":
    main()
