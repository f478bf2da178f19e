"""Next-track recommendation for listening sessions (GRU4Rec-style).

Trains a small GRU over the tracks played so far in a session and scores the
whole catalogue for the next track; reports HitRate@K and MRR@K on held-out
sessions.
"""
import argparse
import random

import torch
import torch.nn as nn
import torch.nn.functional as F


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-tracks", type=int, default=300)
    p.add_argument("--n-sessions", type=int, default=180)
    p.add_argument("--dim", type=int, default=32)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--eval-batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--k", type=int, default=20)
    p.add_argument("--seed", type=int, default=5)
    return p.parse_args([])


def simulate_sessions(n_sessions, n_tracks, rng):
    """Listeners drift through 'genres' (contiguous id blocks) with occasional jumps."""
    sessions = []
    for _ in range(n_sessions):
        length = rng.randint(4, 12)
        cur = rng.randrange(n_tracks)
        s = [cur]
        for _ in range(length - 1):
            cur = rng.randrange(n_tracks) if rng.random() < 0.15 else (cur + rng.randint(1, 4)) % n_tracks
            s.append(cur)
        sessions.append(s)
    return sessions


def to_tensors(sessions):
    max_len = max(len(s) for s in sessions) - 1
    prefix = torch.zeros(len(sessions), max_len, dtype=torch.long)
    lengths = torch.tensor([len(s) - 1 for s in sessions])
    target = torch.tensor([s[-1] for s in sessions])
    for i, s in enumerate(sessions):
        prefix[i, : len(s) - 1] = torch.tensor(s[:-1]) + 1
    return prefix, lengths, target


class SessionGRU(nn.Module):
    def __init__(self, n_tracks, dim):
        super().__init__()
        self.item_emb = nn.Embedding(n_tracks + 1, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_tracks)

    def forward(self, prefix, lengths):
        h, _ = self.gru(self.item_emb(prefix))
        last = h[torch.arange(h.size(0)), lengths - 1]
        return self.out(last)


def rank_metrics(scores, target, k, n_queries):
    hits, rr = 0.0, 0.0
    topk = scores.topk(k, dim=1).indices
    for q in range(n_queries):
        pos = (topk[q] == target[q]).nonzero()
        if pos.numel():
            hits += 1
            rr += 1.0 / (pos.item() + 1)
    return hits, rr


def evaluate(model, data, args):
    prefix, lengths, target = data
    model.eval()
    hits = rr = 0.0
    with torch.no_grad():
        for start in range(0, len(target), args.eval_batch_size):
            sl = slice(start, start + args.eval_batch_size)
            scores = model(prefix[sl], lengths[sl])
            h, r = rank_metrics(scores, target[sl], args.k, scores.size(0))
            hits += h
            rr += r
    n = len(target)
    return hits / n, rr / n


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)

    sessions = simulate_sessions(args.n_sessions, args.n_tracks, rng)
    rng.shuffle(sessions)
    n_test = len(sessions) // 9 * 2 + 3
    train = to_tensors(sessions[n_test:])
    test = to_tensors(sessions[:n_test])
    print(f"{len(train[2])} train sessions, {len(test[2])} test sessions")

    model = SessionGRU(args.n_tracks, args.dim)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(train[2]))
        for i in range(0, len(perm), args.batch_size):
            idx = perm[i : i + args.batch_size]
            logits = model(train[0][idx], train[1][idx])
            loss = F.cross_entropy(logits, train[2][idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        hr, mrr = evaluate(model, test, args)
        print(f"epoch {epoch}: loss {loss.item():.3f}  HR@{args.k} {hr:.3f}  MRR@{args.k} {mrr:.3f}")


if __name__ == "__main__":
    main()
