#!/usr/bin/env python
"""Next-track recommendation for a radio station's playlist logs.

A small GRU reads the last few tracks a listener heard and scores every track in the
catalogue; offline evaluation reports hit-rate@k and MRR on held-out sessions.
"""
import argparse

import numpy as np
import torch
import torch.nn as nn


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-tracks", type=int, default=300)
    p.add_argument("--n-sessions", type=int, default=200)
    p.add_argument("--context", type=int, default=6)
    p.add_argument("--dim", type=int, default=32)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--eval-topk", type=int, default=5)
    p.add_argument("--report-at", type=int, nargs="+", default=[1, 5, 10])
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args()


def make_sessions(n_sessions, n_tracks, context, rng):
    # listeners tend to stay inside a "mood cluster" of 20 tracks
    n_clusters = n_tracks // 20
    X, y = [], []
    for _ in range(n_sessions):
        c = rng.integers(n_clusters)
        pool = np.arange(c * 20, (c + 1) * 20)
        seq = rng.choice(pool, size=context + 1)
        if rng.random() < 0.2:
            seq[rng.integers(context)] = rng.integers(n_tracks)
        X.append(seq[:-1])
        y.append(seq[-1])
    return torch.tensor(np.array(X), dtype=torch.long), torch.tensor(np.array(y), dtype=torch.long)


class NextTrackGRU(nn.Module):
    def __init__(self, n_tracks, dim):
        super().__init__()
        self.track_emb = nn.Embedding(n_tracks, dim)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_tracks)

    def forward(self, history):
        _, h_last = self.gru(self.track_emb(history))
        return self.out(h_last.squeeze(0))


def ranking_report(scores, targets, topk, report_at):
    """hit-rate@k for each k in report_at, plus MRR over the retrieved list."""
    top = scores.topk(topk, dim=-1).indices          # (N, topk)
    hits_at_rank = torch.zeros(len(targets))
    first_hit = torch.full((len(targets),), float("inf"))
    for rank in range(max(report_at)):
        is_hit = top[:, rank] == targets
        first_hit = torch.where(is_hit & torch.isinf(first_hit), torch.tensor(rank + 1.0), first_hit)
        hits_at_rank += is_hit.float()
    report = {}
    for k in report_at:
        report[f"hit@{k}"] = (first_hit <= k).float().mean().item()
    report["mrr"] = torch.where(torch.isinf(first_hit), torch.zeros_like(first_hit), 1.0 / first_hit).mean().item()
    return report


def main():
    args = parse_args()
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)

    X, y = make_sessions(args.n_sessions, args.n_tracks, args.context, rng)
    split = int(0.85 * len(X))
    X_tr, y_tr, X_te, y_te = X[:split], y[:split], X[split:], y[split:]

    model = NextTrackGRU(args.n_tracks, args.dim)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(args.epochs):
        perm = torch.randperm(len(X_tr))
        model.train()
        running = 0.0
        for i in range(0, len(perm), args.batch_size):
            idx = perm[i:i + args.batch_size]
            loss = loss_fn(model(X_tr[idx]), y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        print(f"epoch {epoch + 1}  train loss {running / len(X_tr):.3f}")

    model.eval()
    with torch.no_grad():
        scores = model(X_te)
    report = ranking_report(scores, y_te, max(args.eval_topk, max(args.report_at)), args.report_at)
    print("  ".join(f"{k}={v:.3f}" for k, v in report.items()))


if __name__ == "__main__":
    main()
