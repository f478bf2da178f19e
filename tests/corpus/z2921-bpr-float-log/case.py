import math
import random
from dataclasses import dataclass
from collections import defaultdict
from typing import NamedTuple, Iterator

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class TrainConfig:
    n_users: int = 120
    n_items: int = 300
    dim: int = 24
    batch_size: int = 64
    epochs: int = 3
    lr: float = 5e-3
    l2: float = 1e-5
    min_rating: float = 3.5
    seed: int = 7


cfg = TrainConfig()
random.seed(cfg.seed)
np.random.seed(cfg.seed)
torch.manual_seed(cfg.seed)


def synth_log(cfg, n_events=3000):
    popularity = np.random.zipf(1.6, size=cfg.n_items).astype(np.float64)
    popularity /= popularity.sum()
    events = []
    t0 = 1_700_000_000
    for k in range(n_events):
        u = random.randrange(cfg.n_users)
        i = int(np.random.choice(cfg.n_items, p=popularity))
        rating = round(random.uniform(1.0, 5.0) * 2) / 2
        events.append((u, i, rating, t0 + 37 * k))
    return events


raw_log = synth_log(cfg)
implicit = [(u, i, r, ts) for (u, i, r, ts) in raw_log if r >= cfg.min_rating]
implicit.sort(key=lambda e: e[3])
cut = int(0.85 * len(implicit))
train_events, test_events = implicit[:cut], implicit[cut:]

seen = defaultdict(set)
for u, i, _, _ in train_events:
    seen[u].add(i)

train_tensor = torch.tensor(train_events)
print("train interactions:", train_tensor.shape)


class Triple(NamedTuple):
    users: torch.Tensor
    pos: torch.Tensor
    neg: torch.Tensor


def sample_negatives(users: torch.Tensor, n_items: int) -> torch.Tensor:
    out = []
    for u in users.tolist():
        while True:
            j = random.randrange(n_items)
            if j not in seen[int(u)]:
                out.append(j)
                break
    return torch.tensor(out, dtype=torch.long)


def bpr_batches(data: torch.Tensor, bs: int) -> Iterator[Triple]:
    perm = torch.randperm(data.size(0))
    for start in range(0, data.size(0), bs):
        rows = data[perm[start:start + bs]]
        users, items = rows[:, 0], rows[:, 1]
        yield Triple(users, items, sample_negatives(users, cfg.n_items))


class MF(nn.Module):
    def __init__(self, n_users, n_items, dim):
        super().__init__()
        self.user_emb = nn.Embedding(n_users, dim)
        self.item_emb = nn.Embedding(n_items, dim)
        self.item_bias = nn.Embedding(n_items, 1)
        nn.init.normal_(self.user_emb.weight, std=0.05)
        nn.init.normal_(self.item_emb.weight, std=0.05)
        nn.init.zeros_(self.item_bias.weight)

    def score(self, users, items):
        u = self.user_emb(users)
        v = self.item_emb(items)
        return (u * v).sum(-1) + self.item_bias(items).squeeze(-1)

    def forward(self, b: Triple):
        s_pos = self.score(b.users, b.pos)
        s_neg = self.score(b.users, b.neg)
        reg = (self.user_emb(b.users).pow(2).sum() + self.item_emb(b.pos).pow(2).sum()
               + self.item_emb(b.neg).pow(2).sum()) / b.users.numel()
        return -F.logsigmoid(s_pos - s_neg).mean() + cfg.l2 * reg


def recall_at_k(model, events, k=10):
    by_user = defaultdict(set)
    for u, i, _, _ in events:
        by_user[u].add(i)
    hits, total = 0, 0
    with torch.no_grad():
        all_items = torch.arange(cfg.n_items)
        for u, targets in by_user.items():
            scores = model.score(torch.full((cfg.n_items,), u, dtype=torch.long), all_items)
            if seen[u]:
                scores[list(seen[u])] = -math.inf
            top = set(scores.topk(k).indices.tolist())
            hits += len(top & targets)
            total += len(targets)
    return hits / max(total, 1)


model = MF(cfg.n_users, cfg.n_items, cfg.dim)
optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)

for epoch in range(cfg.epochs):
    model.train()
    running, steps = 0.0, 0
    for batch in bpr_batches(train_tensor, cfg.batch_size):
        loss = model(batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item()
        steps += 1
    model.eval()
    print(f"epoch {epoch}: bpr={running / steps:.4f} recall@10={recall_at_k(model, test_events):.4f}")
