"""Pointwise NCF for the grocery app's 'buy it again / you may also need' shelf.

Implicit feedback: every (shopper, product) pair seen in an order is a positive,
and for each positive we draw NEG_PER_POS products the shopper never bought,
sampled proportional to popularity^0.75 (word2vec-style smoothing).
"""
import random
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(3)
random.seed(3)
torch.manual_seed(3)

N_SHOPPERS = 150
N_PRODUCTS = 300
N_AISLES = 12
NEG_PER_POS = 4
EMB = 16


def simulate_orders(n_orders=60):
    aisle_of = rng.integers(0, N_AISLES, size=N_PRODUCTS)
    popularity = rng.zipf(1.6, size=N_PRODUCTS).clip(max=200).astype(float)
    orders = []
    for _ in range(n_orders):
        shopper = int(rng.integers(N_SHOPPERS))
        basket = rng.choice(N_PRODUCTS, size=int(rng.integers(2, 8)), replace=False,
                            p=popularity / popularity.sum())
        orders.append((shopper, basket.tolist()))
    return orders, aisle_of, popularity


class ImplicitPairs(Dataset):
    def __init__(self, orders, popularity):
        bought = defaultdict(set)
        for shopper, basket in orders:
            bought[shopper].update(basket)
        weights = popularity ** 0.75
        self.neg_p = weights / weights.sum()
        self.rows = []
        for shopper, items in bought.items():
            for product in items:
                self.rows.append((shopper, product, 1))
                drawn = 0
                while drawn < NEG_PER_POS:
                    cand = int(rng.choice(N_PRODUCTS, p=self.neg_p))
                    if cand not in items:
                        self.rows.append((shopper, cand, 0))
                        drawn += 1

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        shopper, product, bought_flag = self.rows[i]
        return shopper, product, bought_flag


class NeuMF(nn.Module):
    def __init__(self, aisle_of):
        super().__init__()
        self.register_buffer("aisle_of", torch.as_tensor(aisle_of, dtype=torch.long))
        self.gmf_user = nn.Embedding(N_SHOPPERS, EMB)
        self.gmf_item = nn.Embedding(N_PRODUCTS, EMB)
        self.mlp_user = nn.Embedding(N_SHOPPERS, EMB)
        self.mlp_item = nn.Embedding(N_PRODUCTS, EMB)
        self.aisle = nn.Embedding(N_AISLES, EMB // 2)
        self.mlp = nn.Sequential(
            nn.Linear(2 * EMB + EMB // 2, 32), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(32, 16), nn.ReLU(),
        )
        self.head = nn.Linear(EMB + 16, 1)

    def forward(self, shopper, product):
        gmf = self.gmf_user(shopper) * self.gmf_item(product)
        mlp_in = torch.cat([self.mlp_user(shopper), self.mlp_item(product),
                            self.aisle(self.aisle_of[product])], dim=-1)
        return self.head(torch.cat([gmf, self.mlp(mlp_in)], dim=-1)).squeeze(-1)


def hit_rate(model, orders, k=10):
    model.eval()
    hits = 0
    with torch.no_grad():
        for shopper, basket in orders:
            scores = model(torch.full((N_PRODUCTS,), shopper), torch.arange(N_PRODUCTS))
            hits += int(bool(set(scores.topk(k).indices.tolist()) & set(basket)))
    model.train()
    return hits / len(orders)


def main():
    orders, aisle_of, popularity = simulate_orders()
    train_orders, test_orders = orders[:50], orders[50:]
    pairs = ImplicitPairs(train_orders, popularity)
    print(f"{len(pairs)} training pairs ({NEG_PER_POS} negatives per positive)")
    loader = DataLoader(pairs, batch_size=256, shuffle=True)

    model = NeuMF(aisle_of)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    criterion = nn.BCEWithLogitsLoss()

    for epoch in range(1):
        epoch_loss = 0.0
        for shopper, product, bought_flag in loader:
            logit = model(shopper, product)
            loss = criterion(logit, bought_flag.float())
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(shopper)
        print(f"epoch {epoch}: bce {epoch_loss / len(pairs):.4f} "
              f"HR@10 {hit_rate(model, test_orders):.3f}")


if __name__ == "__main__":
    main()
