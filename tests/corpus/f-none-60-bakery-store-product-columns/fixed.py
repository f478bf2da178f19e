"""Which pastries will each bakery branch reorder? Implicit feedback from the delivery ledger."""
import numpy as np
import torch
import torch.nn as nn

N_STORES = 40
N_PRODUCTS = 150
DIM = 12

rng = np.random.default_rng(7)
torch.manual_seed(7)

# ledger export columns: product_id, store_id, crates
ledger = np.stack([
    rng.integers(0, N_PRODUCTS, 600),
    rng.integers(0, N_STORES, 600),
    rng.integers(1, 9, 600),
], axis=1)


class ReorderModel(nn.Module):
    def __init__(self, n_stores, n_products, dim):
        super().__init__()
        self.store_vec = nn.Embedding(n_stores, dim)
        self.product_vec = nn.Embedding(n_products, dim)
        self.product_bias = nn.Embedding(n_products, 1)

    def forward(self, store, product):
        s = self.store_vec(store)
        p = self.product_vec(product)
        return (s * p).sum(-1) + self.product_bias(product).squeeze(-1)


def training_pairs(table, negatives_per_row=1):
    products = torch.as_tensor(table[:, 0])
    stores = torch.as_tensor(table[:, 1])
    fake = torch.randint(0, N_PRODUCTS, (len(products) * negatives_per_row,))
    all_stores = torch.cat([stores, stores.repeat(negatives_per_row)])
    all_products = torch.cat([products, fake])
    target = torch.cat([torch.ones(len(products)), torch.zeros(len(fake))])
    return all_stores, all_products, target


def fit(epochs=3, batch=128):
    stores, products, target = training_pairs(ledger)
    model = ReorderModel(N_STORES, N_PRODUCTS, DIM)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(epochs):
        order = torch.randperm(len(target))
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            loss = loss_fn(model(stores[idx], products[idx]), target[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: {loss.item():.4f}")


if __name__ == "__main__":
    fit()
