import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

NUM_USERS = 50
NUM_ITEMS = 40
FACTORS = 8


def synthetic_ratings(n_rows, seed=0):
    rng = np.random.default_rng(seed)
    users = rng.integers(0, NUM_USERS, n_rows)
    items = rng.integers(0, NUM_ITEMS, n_rows)
    ratings = np.clip(3.0 + rng.normal(0, 1, n_rows), 1.0, 5.0)
    return np.stack([users, items, ratings], axis=1)


class BiasedMF(nn.Module):
    def __init__(self, n_users, n_items, factors):
        super().__init__()
        self.users = nn.Embedding(n_users, factors)
        self.items = nn.Embedding(n_items, factors)
        self.user_bias = nn.Embedding(n_users, 1)
        self.item_bias = nn.Embedding(n_items, 1)
        self.global_bias = nn.Parameter(torch.tensor(3.0))

    def forward(self, user_ids, item_ids):
        u = self.users(user_ids)
        v = self.items(item_ids)
        dot = (u * v).sum(dim=-1)
        bias = self.user_bias(user_ids).squeeze(-1) + self.item_bias(item_ids).squeeze(-1)
        return dot + bias + self.global_bias


def build_loader(table, batch_size=64):
    rows = torch.from_numpy(table).float()
    dataset = TensorDataset(rows[:, 0].long(), rows[:, 1].long(), rows[:, 2])
    return DataLoader(dataset, batch_size=batch_size, shuffle=True)


def train(model, loader, epochs=3):
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()
    for epoch in range(epochs):
        running = 0.0
        for user_ids, item_ids, ratings in loader:
            opt.zero_grad()
            preds = model(user_ids, item_ids)
            loss = loss_fn(preds, ratings)
            loss.backward()
            opt.step()
            running += loss.item() * len(ratings)
        print(f"epoch {epoch}: mse {running / len(loader.dataset):.4f}")


def main():
    torch.manual_seed(0)
    table = synthetic_ratings(1000)
    loader = build_loader(table)
    model = BiasedMF(NUM_USERS, NUM_ITEMS, FACTORS)
    train(model, loader)


if __name__ == "__main__":
    main()
