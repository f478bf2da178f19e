"""LightGCN-style recommender for an online bookshop.

Purchases are exported from the shop database as a CSV of (customer_id, book_id, rating).
We build a bipartite customer-book graph, propagate embeddings over it and train with BPR loss.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(42)
torch.manual_seed(42)

N_CUSTOMERS = 120
N_BOOKS = 300
EMB_DIM = 32
N_LAYERS = 2
EPOCHS = 3
BATCH = 256

# --- export a fake purchase log, as the shop's nightly job would ---
tmpdir = tempfile.mkdtemp()
csv_path = os.path.join(tmpdir, "purchases.csv")
taste = rng.integers(0, 6, size=N_CUSTOMERS)
rows = []
for cust in range(N_CUSTOMERS):
    genre_books = np.arange(taste[cust] * 50, taste[cust] * 50 + 50)
    bought = rng.choice(genre_books, size=rng.integers(5, 15), replace=False)
    extra = rng.choice(N_BOOKS, size=3, replace=False)
    for book in np.concatenate([bought, extra]):
        rows.append((cust, int(book), int(rng.integers(3, 6))))
with open(csv_path, "w") as fh:
    fh.write("customer_id,book_id,rating\n")
    for c, b, r in rows:
        fh.write(f"{c},{b},{r}\n")

# --- load it back for training ---
purchases = np.loadtxt(csv_path, delimiter=",", skiprows=1)
customer_col = torch.from_numpy(purchases[:, 0])
book_col = torch.from_numpy(purchases[:, 1])
print(f"loaded {len(purchases)} purchases")

n_nodes = N_CUSTOMERS + N_BOOKS
src = torch.cat([customer_col, book_col + N_CUSTOMERS])
dst = torch.cat([book_col + N_CUSTOMERS, customer_col])
edge_index = torch.stack([src, dst])


def normalized_adjacency(edge_index, n_nodes):
    row, col = edge_index
    deg = torch.zeros(n_nodes).scatter_add_(0, row, torch.ones(row.numel()))
    deg_inv_sqrt = deg.clamp(min=1).pow(-0.5)
    weights = deg_inv_sqrt[row] * deg_inv_sqrt[col]
    return torch.sparse_coo_tensor(edge_index, weights, (n_nodes, n_nodes)).coalesce()


class LightGCN(nn.Module):
    def __init__(self, n_nodes, dim, n_layers):
        super().__init__()
        self.emb = nn.Embedding(n_nodes, dim)
        nn.init.normal_(self.emb.weight, std=0.1)
        self.n_layers = n_layers

    def forward(self, adj):
        h = self.emb.weight
        layers = [h]
        for _ in range(self.n_layers):
            h = torch.sparse.mm(adj, h)
            layers.append(h)
        return torch.stack(layers).mean(0)


adj = normalized_adjacency(edge_index, n_nodes)
model = LightGCN(n_nodes, EMB_DIM, N_LAYERS)
opt = torch.optim.Adam(model.parameters(), lr=5e-3)

pos_customers = customer_col.long()
pos_books = book_col.long() + N_CUSTOMERS
for epoch in range(EPOCHS):
    perm = torch.randperm(len(pos_customers))
    total = 0.0
    for start in range(0, len(perm), BATCH):
        idx = perm[start : start + BATCH]
        neg_books = torch.randint(0, N_BOOKS, (len(idx),)) + N_CUSTOMERS
        z = model(adj)
        u, p, n = z[pos_customers[idx]], z[pos_books[idx]], z[neg_books]
        bpr = -F.logsigmoid((u * p).sum(-1) - (u * n).sum(-1)).mean()
        loss = bpr + 1e-4 * model.emb.weight.norm().pow(2) / n_nodes
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    print(f"epoch {epoch}: bpr {total / len(perm):.4f}")
