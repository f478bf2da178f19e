"""Trail suggestions for a hiking app: matrix factorisation on post-hike trail ratings."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hikers", type=int, default=300)
    ap.add_argument("--trails", type=int, default=1200)
    ap.add_argument("--hikes", type=int, default=6000)
    ap.add_argument("--factors", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=256)
    return ap.parse_args()


class TrailRatings(Dataset):
    """Each row: (hiker_id, trail_id, stars 1-5) from the post-hike check-in."""

    def __init__(self, n_hikers, n_trails, n_hikes, seed=0):
        rng = np.random.default_rng(seed)
        taste = rng.normal(size=(n_hikers, 4))
        terrain = rng.normal(size=(n_trails, 4))
        self.hiker = rng.integers(0, n_hikers, n_hikes)
        self.trail = rng.integers(0, n_trails, n_hikes)
        affinity = (taste[self.hiker] * terrain[self.trail]).sum(1)
        self.stars = np.clip(np.round(3 + affinity + rng.normal(0, 0.5, n_hikes)), 1, 5)

    def __len__(self):
        return len(self.stars)

    def __getitem__(self, i):
        return (torch.tensor(self.hiker[i]), torch.tensor(self.trail[i]),
                torch.tensor(self.stars[i], dtype=torch.float32))


class TrailMF(nn.Module):
    def __init__(self, n_hikers, n_trails, k):
        super().__init__()
        self.hiker_vec = nn.Embedding(n_hikers, k)
        self.trail_vec = nn.Embedding(n_trails, k)
        self.hiker_bias = nn.Embedding(n_hikers, 1)
        self.trail_bias = nn.Embedding(n_trails, 1)
        self.global_bias = nn.Parameter(torch.tensor(3.0))
        for emb in (self.hiker_vec, self.trail_vec):
            nn.init.normal_(emb.weight, std=0.05)
        for emb in (self.hiker_bias, self.trail_bias):
            nn.init.zeros_(emb.weight)

    def forward(self, hiker_ids, trail_ids):
        h = self.hiker_vec(hiker_ids)
        t = self.trail_vec(trail_ids)
        dot = (h * t).sum(-1)
        return (dot + self.hiker_bias(hiker_ids).squeeze(-1)
                + self.trail_bias(trail_ids).squeeze(-1) + self.global_bias)


def run_epoch(model, loader, opt):
    model.train()
    total, seen = 0.0, 0
    for hikers, trails, stars in loader:
        pred = model(hikers, trails)
        loss = nn.functional.mse_loss(pred, stars)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(stars)
        seen += len(stars)
    return (total / seen) ** 0.5


def main():
    args = parse_args()
    torch.manual_seed(11)
    data = TrailRatings(args.hikers, args.trails, args.hikes)
    loader = DataLoader(data, batch_size=args.batch_size, shuffle=True)
    model = TrailMF(args.hikers, args.trails, args.factors)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-5)
    for epoch in range(args.epochs):
        rmse = run_epoch(model, loader, opt)
        print(f"epoch {epoch + 1}: train RMSE {rmse:.3f}")

    model.eval()
    with torch.no_grad():
        hiker = torch.tensor([0])
        scores = model(hiker.expand(args.trails), torch.arange(args.trails))
    print("top picks for hiker 0:", scores.topk(5).indices.tolist())


if __name__ == "__main__":
    main()
