import random
from collections import namedtuple

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(7)
torch.manual_seed(7)

Ascent = namedtuple("Ascent", ["user", "item", "rating"])

N_CLIMBERS = 60
N_ROUTES = 15


def make_logbook(n_rows=400):
    rows = []
    for _ in range(n_rows):
        climber = random.randrange(N_CLIMBERS)
        route = random.randrange(N_ROUTES)
        base = 2.5 + 0.1 * (route % 5) - 0.02 * (climber % 10)
        stars = min(5.0, max(1.0, base + random.gauss(0, 0.6)))
        rows.append(Ascent(climber, route, round(stars, 1)))
    return rows


class LogbookDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


def collate_ascents(rows):
    return (
        torch.tensor([r.user for r in rows]),
        torch.tensor([r.item for r in rows]),
        torch.tensor([r.rating for r in rows], dtype=torch.float32),
    )


class RouteRecommender(nn.Module):
    def __init__(self, n_users, n_items, dim=8):
        super().__init__()
        self.user_emb = nn.Embedding(n_users, dim)
        self.item_emb = nn.Embedding(n_items, dim)
        self.user_bias = nn.Embedding(n_users, 1)
        self.item_bias = nn.Embedding(n_items, 1)
        self.global_mean = nn.Parameter(torch.tensor(3.0))

    def forward(self, user, item):
        u = self.user_emb(user)
        v = self.item_emb(item)
        dot = (u * v).sum(-1)
        return dot + self.user_bias(user).squeeze(-1) + self.item_bias(item).squeeze(-1) + self.global_mean


def train(model, loader, epochs=4):
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    loss_fn = nn.MSELoss()
    for epoch in range(epochs):
        total, count = 0.0, 0
        for user, item, rating in loader:
            pred = model(user, item)
            loss = loss_fn(pred, rating)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(rating)
            count += len(rating)
        print(f"epoch {epoch}: mse {total / count:.3f}")


def main():
    rows = make_logbook()
    print(f"{len(rows)} logged ascents, {N_CLIMBERS} climbers, {N_ROUTES} routes")
    loader = DataLoader(LogbookDataset(rows), batch_size=32, shuffle=True,
                        collate_fn=collate_ascents)
    model = RouteRecommender(N_CLIMBERS, N_ROUTES)
    train(model, loader)

    model.eval()
    with torch.no_grad():
        climber = torch.full((N_ROUTES,), 3, dtype=torch.long)
        scores = model(climber, torch.arange(N_ROUTES))
    best = scores.topk(3).indices.tolist()
    print(f"suggested routes for climber 3: {best}")


if __name__ == "__main__":
    main()
