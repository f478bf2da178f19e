import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(3)
torch.manual_seed(3)

GENRES = ["drama", "comedy", "horror", "scifi", "documentary", "animation"]
N_USERS, N_MOVIES = 25, 40
movie_genre = {m: random.randrange(len(GENRES)) for m in range(N_MOVIES)}

ratings = []
for _ in range(400):
    u = random.randrange(N_USERS)
    m = random.randrange(N_MOVIES)
    base = 3.0 + (0.8 if movie_genre[m] == u % len(GENRES) else -0.3)
    ratings.append({"user_id": u, "movie_id": m, "genre_id": movie_genre[m],
                    "stars": min(5.0, max(1.0, base + random.gauss(0, 0.6)))})


class RatingsDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        r = self.rows[i]
        return {
            "user": torch.tensor(r["user_id"]),
            "movie": torch.tensor(r["movie_id"]),
            "genre": torch.tensor(r["genre_id"]),
            "stars": torch.tensor(r["stars"], dtype=torch.float32),
        }


class HybridMF(nn.Module):
    def __init__(self, n_users, n_movies, n_genres, dim=16):
        super().__init__()
        self.user_vec = nn.Embedding(n_users, dim)
        self.movie_vec = nn.Embedding(n_movies, dim)
        self.genre_vec = nn.Embedding(n_genres, dim)
        self.user_bias = nn.Embedding(n_users, 1)
        self.movie_bias = nn.Embedding(n_movies, 1)
        self.global_bias = nn.Parameter(torch.tensor(3.0))

    def forward(self, feats):
        u = self.user_vec(feats["user"])
        item = self.movie_vec(feats["movie"]) + self.genre_vec(feats["genre"])
        dot = (u * item).sum(-1)
        return (dot + self.user_bias(feats["user"]).squeeze(-1)
                + self.movie_bias(feats["movie"]).squeeze(-1) + self.global_bias)


split = int(0.85 * len(ratings))
train_dl = DataLoader(RatingsDataset(ratings[:split]), batch_size=32, shuffle=True)
test_dl = DataLoader(RatingsDataset(ratings[split:]), batch_size=64)

mf = HybridMF(N_USERS, N_MOVIES, len(GENRES))
opt = torch.optim.Adam(mf.parameters(), lr=1e-2, weight_decay=1e-5)
mse = nn.MSELoss()

for epoch in range(10):
    total = 0.0
    for feats in train_dl:
        pred = mf(feats)
        loss = mse(pred, feats["stars"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(pred)
    print(f"epoch {epoch}: train mse {total / split:.3f}")

mf.eval()
with torch.no_grad():
    se = sum(((mf(f) - f["stars"]) ** 2).sum().item() for f in test_dl)
print(f"test rmse {(se / (len(ratings) - split)) ** 0.5:.3f}")
