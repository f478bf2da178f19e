from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class RecConfig:
    n_users: int = 250
    n_items: int = 900
    dim: int = 24
    n_interactions: int = 6000
    batch_size: int = 256
    epochs: int = 3
    lr: float = 0.01
    weight_decay: float = 1e-5
    seed: int = 11


class MatrixFactorization(nn.Module):
    def __init__(self, n_users, n_items, dim):
        super().__init__()
        self.user_factors = nn.Embedding(n_users, dim)
        self.item_factors = nn.Embedding(n_items, dim)
        self.user_bias = nn.Embedding(n_users, 1)
        self.item_bias = nn.Embedding(n_items, 1)
        nn.init.normal_(self.user_factors.weight, std=0.05)
        nn.init.normal_(self.item_factors.weight, std=0.05)
        nn.init.zeros_(self.user_bias.weight)
        nn.init.zeros_(self.item_bias.weight)

    def forward(self, user_ids, item_ids):
        u = self.user_factors(user_ids)
        v = self.item_factors(item_ids)
        dot = (u * v).sum(dim=-1)
        return dot + self.user_bias(user_ids).squeeze(-1) + self.item_bias(item_ids).squeeze(-1)


def make_ratings(cfg):
    g = torch.Generator().manual_seed(cfg.seed)
    true_u = torch.randn(cfg.n_users, 4, generator=g)
    true_v = torch.randn(cfg.n_items, 4, generator=g)
    users = torch.randint(0, cfg.n_users, (cfg.n_interactions,), generator=g)
    items = torch.randint(0, cfg.n_items, (cfg.n_interactions,), generator=g)
    score = (true_u[users] * true_v[items]).sum(-1)
    ratings = (3.0 + score).clamp(1.0, 5.0)
    return users, items, ratings


def iterate_batches(users, items, ratings, batch_size, seed):
    order = torch.randperm(len(users), generator=torch.Generator().manual_seed(seed))
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        yield {"users": users[idx], "items": items[idx], "ratings": ratings[idx]}


def fit(model, data, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    users, items, ratings = data
    for epoch in range(cfg.epochs):
        total, count = 0.0, 0
        for batch in iterate_batches(users, items, ratings, cfg.batch_size, cfg.seed + epoch):
            pred = model(batch["users"], batch["items"])
            loss = F.mse_loss(pred, batch["ratings"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(pred)
            count += len(pred)
        print(f"epoch {epoch}: rmse {(total / count) ** 0.5:.3f}")


@torch.no_grad()
def recommend(model, user_id, k, n_items):
    all_items = torch.arange(n_items)
    scores = model(torch.full_like(all_items, user_id), all_items)
    return scores.topk(k).indices.tolist()


def main():
    cfg = RecConfig()
    torch.manual_seed(cfg.seed)
    data = make_ratings(cfg)
    model = MatrixFactorization(cfg.n_users, cfg.n_items, cfg.dim)
    fit(model, data, cfg)
    print("top items for user 17:", recommend(model, 17, k=5, n_items=cfg.n_items))


if __name__ == "__main__":
    main()
