"""Two-tower track recommender trained on the streaming play log with BPR.

A play counts as positive implicit feedback when the listener stayed for more
than half of the track. Negatives are sampled uniformly from the catalogue.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(3)
torch.manual_seed(3)

N_LISTENERS = 60
N_TRACKS = 200
DIM = 16
NEG_PER_POS = 4

# ---- dump of the play log (listener, track, fraction of track listened) ------
log_path = os.path.join(tempfile.mkdtemp(prefix="plays_"), "plays.tsv")
genre_of_track = rng.integers(0, 6, size=N_TRACKS)
with open(log_path, "w") as f:
    f.write("listener_id\ttrack_id\tlisten_ratio\n")
    for listener in range(N_LISTENERS):
        liked_genres = rng.choice(6, size=2, replace=False)
        pool = np.flatnonzero(np.isin(genre_of_track, liked_genres))
        for track in rng.choice(pool, size=25):
            ratio = rng.beta(5, 2) if rng.random() < 0.8 else rng.beta(1, 5)
            f.write(f"{listener}\t{track}\t{ratio:.3f}\n")
        for track in rng.integers(0, N_TRACKS, size=5):
            f.write(f"{listener}\t{track}\t{rng.beta(1, 6):.3f}\n")

plays = np.loadtxt(log_path, delimiter="\t", skiprows=1)
completed = plays[plays[:, 2] > 0.5]
print(f"{len(plays)} plays, {len(completed)} completed")

pos_listeners = torch.from_numpy(completed[:, 0])
pos_tracks = torch.from_numpy(completed[:, 1])


class Tower(nn.Module):
    def __init__(self, n_ids, dim):
        super().__init__()
        self.table = nn.Embedding(n_ids, dim)
        self.proj = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, dim))
        nn.init.normal_(self.table.weight, std=0.1)

    def forward(self, ids):
        return F.normalize(self.proj(self.table(ids)), dim=-1)


class TwoTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.listener_tower = Tower(N_LISTENERS, DIM)
        self.track_tower = Tower(N_TRACKS, DIM)
        self.temperature = 0.1

    def score(self, listener_ids, track_ids):
        u = self.listener_tower(listener_ids)
        v = self.track_tower(track_ids)
        if v.dim() == 3:
            return torch.einsum("bd,bkd->bk", u, v) / self.temperature
        return (u * v).sum(-1) / self.temperature


def bpr_loss(model, listeners, tracks):
    negs = torch.randint(0, N_TRACKS, (listeners.size(0), NEG_PER_POS))
    pos_score = model.score(listeners, tracks).unsqueeze(1)
    neg_score = model.score(listeners, negs)
    return -F.logsigmoid(pos_score - neg_score).mean()


model = TwoTower()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
batch_size = 128

for epoch in range(5):
    order = torch.randperm(pos_listeners.size(0))
    epoch_loss = 0.0
    n_batches = 0
    for i in range(0, order.size(0), batch_size):
        idx = order[i:i + batch_size]
        loss = bpr_loss(model, pos_listeners[idx], pos_tracks[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss += loss.item()
        n_batches += 1
    print(f"epoch {epoch}: bpr={epoch_loss / n_batches:.4f}")


@torch.no_grad()
def recall_at_k(model, k=20):
    model.eval()
    all_tracks = model.track_tower(torch.arange(N_TRACKS))
    hits, total = 0, 0
    for listener in range(N_LISTENERS):
        mine = pos_tracks[pos_listeners == listener].unique()
        if mine.numel() == 0:
            continue
        u = model.listener_tower(torch.tensor([listener]))
        top = (u @ all_tracks.T).topk(k).indices[0]
        hits += torch.isin(mine, top).sum().item()
        total += mine.numel()
    return hits / total


print(f"recall@20 (train): {recall_at_k(model):.3f}")
