import random
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

N_USERS = 40
N_ITEMS = 60
EMB_DIM = 16

# implicit feedback: (user, item) play events from a small music catalogue
interactions = []
for u in range(N_USERS):
    taste = u % 4
    liked = [i for i in range(N_ITEMS) if i % 4 == taste]
    for item in random.sample(liked, 6):
        interactions.append((u, item))
    interactions.append((u, random.randrange(N_ITEMS)))

seen = {}
for u, i in interactions:
    seen.setdefault(u, set()).add(i)


def play_batches(pairs, batch_size, shuffle=True):
    order = list(range(len(pairs)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [pairs[k] for k in order[start:start + batch_size]]
        users = torch.tensor([u for u, _ in chunk], dtype=torch.long)
        items = torch.tensor([i for _, i in chunk], dtype=torch.long)
        yield users, items


def sample_negatives(n, n_items):
    return torch.floor(torch.rand(n) * n_items)


class BPRFactorizer(nn.Module):
    def __init__(self, n_users, n_items, dim):
        super().__init__()
        self.user_vecs = nn.Parameter(0.1 * torch.randn(n_users, dim))
        self.item_vecs = nn.Parameter(0.1 * torch.randn(n_items, dim))
        self.item_bias = nn.Parameter(torch.zeros(n_items))

    def score(self, users, items):
        u = self.user_vecs[users]
        v = self.item_vecs[items]
        return (u * v).sum(-1) + self.item_bias[items]


model = BPRFactorizer(N_USERS, N_ITEMS, EMB_DIM)
opt = torch.optim.Adam(model.parameters(), lr=0.05)

for epoch in range(10):
    running, steps = 0.0, 0
    for user_ids, pos_items in play_batches(interactions, batch_size=32):
        neg_items = sample_negatives(len(user_ids), N_ITEMS)
        pos_score = model.score(user_ids, pos_items)
        neg_score = model.score(user_ids, neg_items)
        loss = -F.logsigmoid(pos_score - neg_score).mean()
        loss = loss + 1e-4 * (model.user_vecs.pow(2).sum() + model.item_vecs.pow(2).sum())
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
        steps += 1
    print(f"epoch {epoch}: bpr loss {running / steps:.4f}")


@torch.no_grad()
def hit_rate_at_k(model, k=10):
    hits = 0
    all_items = torch.arange(N_ITEMS)
    for u in range(N_USERS):
        scores = model.score(torch.full((N_ITEMS,), u), all_items)
        top = set(scores.topk(k).indices.tolist())
        taste_items = {i for i in range(N_ITEMS) if i % 4 == u % 4}
        hits += len(top & taste_items) > k // 2
    return hits / N_USERS


print(f"users whose top-10 is mostly on-taste: {hit_rate_at_k(model):.2f}")
