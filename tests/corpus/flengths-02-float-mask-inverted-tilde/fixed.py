"""Span scorer: keep the scores of real tokens, push padding and special positions down."""
import torch
import torch.nn as nn


class SpanScorer(nn.Module):
    def __init__(self, vocab_size=50, dim=8):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim)
        self.out = nn.Linear(dim, 1)

    def forward(self, ids, weights):
        scores = self.out(self.emb(ids)).squeeze(-1)
        blocked = weights == 0
        return scores.masked_fill(blocked, -1e4).softmax(-1)


ids = torch.tensor([[3, 9, 4, 0, 0], [5, 7, 2, 8, 1]])
weights = (ids > 0).float()
probs = SpanScorer()(ids, weights)
print(probs.sum(-1))
