"""Offline evaluation of a trail recommender: each hiker query is scored against 5 candidate trails."""
from dataclasses import dataclass

import torch
import torch.nn as nn

torch.manual_seed(3)

TRAILS = ["Ridge Loop", "Cedar Falls", "Old Mill Path", "Summit Dash", "Lakeshore Walk",
          "Canyon Rim", "Fern Gully", "Pine Spur"]
N_CANDIDATES = 5
FEAT_DIM = 12


@dataclass
class EvalCfg:
    k: int
    min_margin: float = 0.0


class TrailScorer(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.hiker_proj = nn.Linear(dim, dim)
        self.trail_proj = nn.Linear(dim, dim)

    def forward(self, hikers, trails):
        # hikers: (Q, D), trails: (Q, C, D) -> (Q, C)
        h = self.hiker_proj(hikers).unsqueeze(1)
        t = self.trail_proj(trails)
        return (h * t).sum(-1)


def build_queries(n_queries):
    g = torch.Generator().manual_seed(21)
    hikers = torch.randn(n_queries, FEAT_DIM, generator=g)
    cand_ids = torch.stack([torch.randperm(len(TRAILS), generator=g)[:N_CANDIDATES]
                            for _ in range(n_queries)])
    trail_feats = torch.randn(len(TRAILS), FEAT_DIM, generator=g)
    gold_pos = torch.randint(0, N_CANDIDATES, (n_queries,), generator=g)
    return hikers, cand_ids, trail_feats[cand_ids], gold_pos


def hits_at_threshold(scores, gold_pos, kth_scores, margin):
    gold_scores = scores.gather(1, gold_pos.unsqueeze(1)).squeeze(1)
    return (gold_scores + margin >= kth_scores).float().mean().item()


def main():
    hikers, cand_ids, cand_feats, gold_pos = build_queries(6)
    model = TrailScorer(FEAT_DIM).eval()
    with torch.no_grad():
        scores = model(hikers, cand_feats)
    ranked = scores.sort(dim=1, descending=True).values
    print(f"queries={scores.shape[0]} candidates per query={scores.shape[1]}")
    top_trail = TRAILS[cand_ids[0, scores[0].argmax()].item()]
    print(f"query 0 top pick: {top_trail}")

    small = EvalCfg(k=3)
    large = EvalCfg(k=5)
    for tag, cfg in [("small", small), ("large", large)]:
        kth_best = ranked[:, cfg.k - 1]
        hit_rate = hits_at_threshold(scores, gold_pos, kth_best, cfg.min_margin)
        print(f"[{tag}] k={cfg.k} mean k-th score={kth_best.mean().item():.3f} hit@k={hit_rate:.3f}")


if __name__ == "__main__":
    main()
