"""Click model for the hotel search results page.

Every search request shows a slate of SLATE_SIZE hotels. We score each
(traveler, hotel, position) triple, and learn a per-position bias so the
ranking model does not simply learn "top slot gets clicked".
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(5)
torch.manual_seed(5)

SLATE_SIZE = 10
N_TRAVELERS = 300
N_HOTELS = 500
N_CITIES = 25
N_STAR_LEVELS = 5
N_PRICE_BUCKETS = 8
D = 16

hotel_city = torch.randint(0, N_CITIES, (N_HOTELS,))
hotel_stars = torch.randint(0, N_STAR_LEVELS, (N_HOTELS,))
hotel_price = torch.clamp(hotel_stars + torch.randint(0, 4, (N_HOTELS,)), max=N_PRICE_BUCKETS - 1)
traveler_budget = torch.randint(0, N_PRICE_BUCKETS, (N_TRAVELERS,))


def simulate_searches(n_requests):
    """Fake impression log: (traveler, slate of hotel ids, clicks on the slate)."""
    travelers, slates, clicks = [], [], []
    for _ in range(n_requests):
        t = random.randrange(N_TRAVELERS)
        city = random.randrange(N_CITIES)
        in_city = torch.nonzero(hotel_city == city).flatten().tolist()
        pool = in_city + random.sample(range(N_HOTELS), SLATE_SIZE)
        slate = random.sample(pool, SLATE_SIZE)
        row = []
        for pos, h in enumerate(slate):
            fit = 1.0 - abs(int(hotel_price[h]) - int(traveler_budget[t])) / N_PRICE_BUCKETS
            p_click = 0.6 * fit / (1 + 0.4 * pos)
            row.append(1.0 if random.random() < p_click else 0.0)
        travelers.append(t)
        slates.append(slate)
        clicks.append(row)
    return torch.tensor(travelers), torch.tensor(slates), torch.tensor(clicks)


class SlateClickModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.traveler_emb = nn.Embedding(N_TRAVELERS, D)
        self.budget_emb = nn.Embedding(N_PRICE_BUCKETS, D)
        self.hotel_emb = nn.Embedding(N_HOTELS, D)
        self.city_emb = nn.Embedding(N_CITIES, D)
        self.stars_emb = nn.Embedding(N_STAR_LEVELS, D)
        self.price_emb = nn.Embedding(N_PRICE_BUCKETS, D)
        self.position_bias = nn.Embedding(SLATE_SIZE, 1)
        self.interaction = nn.Sequential(nn.Linear(3 * D, 32), nn.ReLU(), nn.Linear(32, 1))

    def traveler_vec(self, travelers):
        return self.traveler_emb(travelers) + self.budget_emb(traveler_budget[travelers])

    def hotel_vec(self, hotels):
        return (self.hotel_emb(hotels) + self.city_emb(hotel_city[hotels])
                + self.stars_emb(hotel_stars[hotels]) + self.price_emb(hotel_price[hotels]))

    def forward(self, travelers, slates):
        u = self.traveler_vec(travelers)
        per_slot = []
        for pos in range(SLATE_SIZE):
            v = self.hotel_vec(slates[:, pos])
            relevance = self.interaction(torch.cat([u, v, u * v], dim=-1)).squeeze(-1)
            bias = self.position_bias(torch.full_like(travelers, pos)).squeeze(-1)
            per_slot.append(relevance + bias)
        slot_scores = torch.stack(per_slot, dim=0)
        return slot_scores.t().reshape(-1)


train_travelers, train_slates, train_clicks = simulate_searches(800)
val_travelers, val_slates, val_clicks = simulate_searches(200)
print(f"train CTR: {train_clicks.mean():.3f}")

model = SlateClickModel()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(4):
    model.train()
    perm = torch.randperm(train_travelers.size(0))
    losses = []
    for i in range(0, perm.size(0), 64):
        b = perm[i:i + 64]
        logits = model(train_travelers[b], train_slates[b])
        loss = F.binary_cross_entropy_with_logits(logits, train_clicks[b].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        val_logits = model(val_travelers, val_slates).view(-1, SLATE_SIZE)
        val_loss = F.binary_cross_entropy_with_logits(val_logits, val_clicks).item()
        predicted_ctr = torch.sigmoid(val_logits).mean(dim=0)
        observed_ctr = val_clicks.mean(dim=0)
    print(f"epoch {epoch}: train={sum(losses) / len(losses):.4f} val={val_loss:.4f} "
          f"ctr@1 pred/obs={predicted_ctr[0]:.3f}/{observed_ctr[0]:.3f}")
