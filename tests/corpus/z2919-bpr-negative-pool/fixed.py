import random
from collections import defaultdict
from typing import NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

random.seed(5)
torch.manual_seed(5)

N_USERS = 50
N_ITEMS = 120
NEGS_PER_POS = 3
EMB = 16


def build_feature_store():
    store = {"item_id": [], "price_bucket": [], "brand": [], "is_new": []}
    for i in range(N_ITEMS):
        store["item_id"].append(i)
        store["price_bucket"].append(random.randrange(8))
        store["brand"].append(random.randrange(12))
        store["is_new"].append(int(random.random() < 0.2))
    return store


def generate_clicks():
    clicks = []
    for u in range(N_USERS):
        brand_pref = random.randrange(12)
        for _ in range(random.randint(5, 15)):
            if random.random() < 0.6:
                item = random.choice([i for i in range(N_ITEMS) if i % 12 == brand_pref])
            else:
                item = random.randrange(N_ITEMS)
            clicks.append((u, item, random.choice(["home", "search", "pdp"])))
    return clicks


class Triplets(NamedTuple):
    user: torch.Tensor
    pos: torch.Tensor
    neg: torch.Tensor


class BPRDataset(Dataset):
    def __init__(self, clicks, n_items, negs_per_pos):
        self.pairs = [(u, i) for u, i, _ in clicks]
        self.seen = defaultdict(set)
        for u, i in self.pairs:
            self.seen[u].add(i)
        self.catalog = set(range(n_items))
        self.k = negs_per_pos

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        u, i = self.pairs[idx]
        unseen = self.catalog - self.seen[u]
        negs = random.sample(sorted(unseen), self.k)
        return u, i, negs


def collate_triplets(rows):
    users, pos, negs = zip(*rows)
    return Triplets(torch.tensor(users), torch.tensor(pos), torch.tensor(negs))


class FeatureMF(nn.Module):
    def __init__(self, store):
        super().__init__()
        self.user = nn.Embedding(N_USERS, EMB)
        self.item = nn.Embedding(N_ITEMS, EMB)
        self.brand = nn.Embedding(max(store["brand"]) + 1, EMB)
        self.price = nn.Embedding(max(store["price_bucket"]) + 1, EMB)
        self.register_buffer("brand_of", torch.tensor(store["brand"]))
        self.register_buffer("price_of", torch.tensor(store["price_bucket"]))
        self.item_bias = nn.Embedding(N_ITEMS, 1)
        nn.init.normal_(self.user.weight, std=0.05)
        nn.init.normal_(self.item.weight, std=0.05)
        nn.init.zeros_(self.item_bias.weight)

    def item_vec(self, items):
        return self.item(items) + self.brand(self.brand_of[items]) + self.price(self.price_of[items])

    def score(self, users, items):
        u = self.user(users)
        v = self.item_vec(items)
        if v.dim() == 3:
            u = u.unsqueeze(1)
        return (u * v).sum(-1) + self.item_bias(items).squeeze(-1)


def bpr_loss(pos_scores, neg_scores):
    return -F.logsigmoid(pos_scores.unsqueeze(1) - neg_scores).mean()


def recall_at_k(model, seen, k=10):
    with torch.no_grad():
        all_scores = model.score(torch.arange(N_USERS), torch.arange(N_ITEMS).expand(N_USERS, -1))
        top = all_scores.topk(k, dim=1).indices
    hits = [len(set(top[u].tolist()) & seen[u]) / min(k, len(seen[u])) for u in range(N_USERS) if seen[u]]
    return sum(hits) / len(hits)


def main():
    store = build_feature_store()
    clicks = generate_clicks()
    ds = BPRDataset(clicks, N_ITEMS, NEGS_PER_POS)
    dl = DataLoader(ds, batch_size=64, shuffle=True, collate_fn=collate_triplets)
    model = FeatureMF(store)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    for epoch in range(4):
        total = 0.0
        for batch in dl:
            pos_s = model.score(batch.user, batch.pos)
            neg_s = model.score(batch.user, batch.neg)
            loss = bpr_loss(pos_s, neg_s) + 1e-4 * model.user(batch.user).pow(2).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * batch.user.size(0)
        print(f"epoch {epoch} bpr={total / len(ds):.4f} recall@10={recall_at_k(model, ds.seen):.3f}")


if __name__ == "__main__":
    main()
