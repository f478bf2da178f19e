"""Head-to-head tennis match outcome model with learned player and surface embeddings.

Matches are exported from the results database as a plain CSV:
    player_a,player_b,surface,rank_diff,a_won
"""
import csv
import os
import random
import tempfile

import numpy as np
import torch
from torch import nn

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)

SURFACES = ["hard", "clay", "grass"]
N_PLAYERS = 48


def export_results(path, n_matches=600):
    skill = np.random.randn(N_PLAYERS, len(SURFACES))
    ranking = np.argsort(-skill.mean(1)).argsort() + 1
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["player_a", "player_b", "surface", "rank_diff", "a_won"])
        for _ in range(n_matches):
            a, b = random.sample(range(N_PLAYERS), 2)
            s = random.randrange(len(SURFACES))
            p_a = 1.0 / (1.0 + np.exp(-(skill[a, s] - skill[b, s])))
            w.writerow([a, b, s, int(ranking[b] - ranking[a]), int(random.random() < p_a)])


def load_results(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    players = torch.from_numpy(table[:, 0:2]).long()
    surface = torch.from_numpy(table[:, 2]).long()
    rank_diff = torch.from_numpy(table[:, 3]).float() / 50.0
    a_won = torch.from_numpy(table[:, 4]).float()
    return players, surface, rank_diff, a_won


class HeadToHead(nn.Module):
    def __init__(self, n_players, n_surfaces, dim=16):
        super().__init__()
        self.player_emb = nn.Embedding(n_players, dim)
        self.surface_emb = nn.Embedding(n_surfaces, dim)
        self.scorer = nn.Sequential(nn.Linear(3 * dim + 1, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, players, surface, rank_diff):
        pa = self.player_emb(players[:, 0])
        pb = self.player_emb(players[:, 1])
        surf = self.surface_emb(surface)
        x = torch.cat([(pa - pb) * surf, pa * pb, surf, rank_diff.unsqueeze(-1)], dim=-1)
        return self.scorer(x).squeeze(-1)


def split(n, frac=0.8):
    perm = torch.randperm(n)
    cut = int(frac * n)
    return perm[:cut], perm[cut:]


def main():
    tmp = tempfile.mkdtemp()
    csv_path = os.path.join(tmp, "atp_results.csv")
    export_results(csv_path)

    players, surface, rank_diff, a_won = load_results(csv_path)
    print("matches:", len(a_won), "a_won rate:", round(a_won.mean().item(), 3))
    train_idx, val_idx = split(len(a_won))

    model = HeadToHead(N_PLAYERS, len(SURFACES))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(30):
        model.train()
        perm = train_idx[torch.randperm(len(train_idx))]
        for i in range(0, len(perm), 64):
            b = perm[i:i + 64]
            logits = model(players[b], surface[b], rank_diff[b])
            loss = loss_fn(logits, a_won[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 10 == 9:
            model.eval()
            with torch.no_grad():
                val_logits = model(players[val_idx], surface[val_idx], rank_diff[val_idx])
                val_loss = loss_fn(val_logits, a_won[val_idx]).item()
                acc = ((val_logits > 0).float() == a_won[val_idx]).float().mean().item()
            print(f"epoch {epoch + 1}: val loss {val_loss:.4f} acc {acc:.3f}")

    top = model.player_emb.weight.norm(dim=-1).topk(5).indices.tolist()
    print("players with largest embeddings:", top)


if __name__ == "__main__":
    main()
