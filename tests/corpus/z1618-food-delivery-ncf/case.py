"""Neural CF (GMF + MLP) for restaurant ranking on the food delivery home feed.

Implicit feedback: an order = positive. Each positive is paired with NEG_RATIO
restaurants the diner never ordered from, sampled uniformly from the delivery area.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

N_DINERS = 900
N_RESTAURANTS = 260
NEG_RATIO = 4
BATCH_SIZE = 256
GMF_DIM = 16
MLP_DIM = 32
EPOCHS = 1

# --- order log (stand-in for the orders table) -------------------------------
cuisine_of_restaurant = rng.integers(0, 12, size=N_RESTAURANTS)
diner_pref = rng.integers(0, 12, size=(N_DINERS, 2))
order_rows = []
for d in range(N_DINERS):
    liked = np.flatnonzero(np.isin(cuisine_of_restaurant, diner_pref[d]))
    n_orders = rng.integers(2, 9)
    for r in rng.choice(liked, size=min(n_orders, len(liked)), replace=False):
        order_rows.append((d, int(r)))
order_rows = np.array(order_rows)
print(f"{len(order_rows)} diner-restaurant orders")

ordered_from = [set() for _ in range(N_DINERS)]
for d, r in order_rows:
    ordered_from[d].add(r)


def sample_unseen(diners, k):
    out = np.empty((len(diners), k), dtype=np.int64)
    for i, d in enumerate(diners.tolist()):
        seen = ordered_from[d]
        j = 0
        while j < k:
            cand = int(rng.integers(0, N_RESTAURANTS))
            if cand not in seen:
                out[i, j] = cand
                j += 1
    return torch.from_numpy(out)


class NeuMF(nn.Module):
    def __init__(self):
        super().__init__()
        self.diner_gmf = nn.Embedding(N_DINERS, GMF_DIM)
        self.rest_gmf = nn.Embedding(N_RESTAURANTS, GMF_DIM)
        self.diner_mlp = nn.Embedding(N_DINERS, MLP_DIM)
        self.rest_mlp = nn.Embedding(N_RESTAURANTS, MLP_DIM)
        self.mlp = nn.Sequential(
            nn.Linear(2 * MLP_DIM, MLP_DIM), nn.ReLU(),
            nn.Linear(MLP_DIM, MLP_DIM // 2), nn.ReLU(),
        )
        self.head = nn.Linear(GMF_DIM + MLP_DIM // 2, 1)

    def forward(self, diners, restaurants):
        gmf = self.diner_gmf(diners) * self.rest_gmf(restaurants)
        mlp = self.mlp(torch.cat([self.diner_mlp(diners), self.rest_mlp(restaurants)], -1))
        return self.head(torch.cat([gmf, mlp], -1)).squeeze(-1)


pairs = TensorDataset(torch.from_numpy(order_rows[:, 0]), torch.from_numpy(order_rows[:, 1]))
loader = DataLoader(pairs, batch_size=BATCH_SIZE, shuffle=True)

model = NeuMF()
optim = torch.optim.Adam(model.parameters(), lr=1e-3)
bce = nn.BCEWithLogitsLoss()

# positives first, then NEG_RATIO negatives per positive
click_targets = torch.cat([torch.ones(BATCH_SIZE), torch.zeros(BATCH_SIZE * NEG_RATIO)])

for epoch in range(EPOCHS):
    model.train()
    epoch_loss = 0.0
    for diners, restaurants in loader:
        negatives = sample_unseen(diners, NEG_RATIO)
        all_diners = torch.cat([diners, diners.repeat_interleave(NEG_RATIO)])
        all_rests = torch.cat([restaurants, negatives.reshape(-1)])

        scores = model(all_diners, all_rests)
        loss = bce(scores, click_targets)

        optim.zero_grad()
        loss.backward()
        optim.step()
        epoch_loss += loss.item() * len(diners)
    print(f"epoch {epoch}: bce {epoch_loss / len(pairs):.4f}")

# quick sanity ranking: AUC of one positive vs sampled negatives
model.eval()
with torch.no_grad():
    d = torch.from_numpy(order_rows[:500, 0])
    r = torch.from_numpy(order_rows[:500, 1])
    neg = sample_unseen(d, 20)
    pos_score = model(d, r)
    neg_score = model(d.repeat_interleave(20), neg.reshape(-1)).view(-1, 20)
    auc = (pos_score[:, None] > neg_score).float().mean().item()
print(f"sampled AUC: {auc:.3f}")
