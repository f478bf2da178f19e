import math
import random
from typing import NamedTuple, List, Dict, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

rng = np.random.default_rng(2024)
random.seed(2024)
torch.manual_seed(2024)

N_USERS, N_ITEMS, N_CATS = 150, 400, 12
DIM = 32
NEG_PER_POS = 4

item_store: Dict[str, List] = {
    "item_id": list(range(N_ITEMS)),
    "category": rng.integers(0, N_CATS, size=N_ITEMS).tolist(),
    "price_bucket": rng.integers(0, 8, size=N_ITEMS).tolist(),
}

user_store: Dict[str, List] = {
    "user_id": list(range(N_USERS)),
    "country": rng.integers(0, 5, size=N_USERS).tolist(),
}

clicks: List[Tuple[int, int, float]] = []
for _ in range(2500):
    u = int(rng.integers(N_USERS))
    i = int(rng.integers(N_ITEMS))
    dwell_sec = float(rng.lognormal(mean=3.0, sigma=0.9))
    clicks.append((u, i, dwell_sec))


class ClickBatch(NamedTuple):
    user: torch.Tensor
    country: torch.Tensor
    item: torch.Tensor
    category: torch.Tensor
    price: torch.Tensor
    label: torch.Tensor
    dwell: torch.Tensor


class ClickDataset(Dataset):
    def __init__(self, clicks, n_neg):
        self.rows = []
        for u, i, d in clicks:
            self.rows.append((u, i, 1.0, d))
            for _ in range(n_neg):
                self.rows.append((u, random.randrange(N_ITEMS), 0.0, 0.0))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, k):
        return self.rows[k]


def collate_clicks(rows) -> ClickBatch:
    users, items, labels, dwells = zip(*rows)
    users = torch.tensor(users, dtype=torch.long)
    items = torch.tensor(items, dtype=torch.long)
    return ClickBatch(
        user=users,
        country=torch.tensor([user_store["country"][u] for u in users.tolist()]),
        item=items,
        category=torch.tensor([item_store["category"][i] for i in items.tolist()]),
        price=torch.tensor([item_store["price_bucket"][i] for i in items.tolist()]),
        label=torch.tensor(labels, dtype=torch.float32),
        dwell=torch.tensor(dwells, dtype=torch.float32),
    )


log_dwell = np.log1p([d for _, _, d in clicks])
DWELL_MU, DWELL_SIGMA = float(log_dwell.mean()), float(log_dwell.std())


def dwell_to_weight(batch: ClickBatch) -> ClickBatch:
    z = (torch.log1p(batch.dwell) - DWELL_MU) / DWELL_SIGMA
    w = torch.where(batch.label > 0, 1.0 + torch.sigmoid(z), torch.ones_like(z))
    batch = batch._replace(dwell=w)
    return batch


class Tower(nn.Module):
    def __init__(self, cardinalities, dim):
        super().__init__()
        self.embs = nn.ModuleList(nn.Embedding(c, dim) for c in cardinalities)
        self.mlp = nn.Sequential(nn.Linear(dim * len(cardinalities), 64), nn.ReLU(), nn.Linear(64, dim))

    def forward(self, *fields):
        x = torch.cat([emb(f) for emb, f in zip(self.embs, fields)], dim=-1)
        return F.normalize(self.mlp(x), dim=-1)


class TwoTowerCTR(nn.Module):
    def __init__(self):
        super().__init__()
        self.user_tower = Tower([N_USERS, 5], DIM)
        self.item_tower = Tower([N_ITEMS, N_CATS, 8], DIM)
        self.scale = nn.Parameter(torch.tensor(math.log(10.0)))

    def forward(self, b: ClickBatch):
        u = self.user_tower(b.user, b.country)
        v = self.item_tower(b.item, b.category, b.price)
        return (u * v).sum(-1) * self.scale.exp()


model = TwoTowerCTR()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
loader = DataLoader(ClickDataset(clicks, NEG_PER_POS), batch_size=256, shuffle=True,
                    collate_fn=collate_clicks)

for epoch in range(2):
    tot, n = 0.0, 0
    for batch in loader:
        batch = dwell_to_weight(batch)
        logits = model(batch)
        loss = F.binary_cross_entropy_with_logits(logits, batch.label, weight=batch.dwell)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * batch.label.numel()
        n += batch.label.numel()
    print(f"epoch {epoch}: weighted bce {tot / n:.4f}")
