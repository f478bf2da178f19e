"""Review scorer: a learned summary token is put in front of the words, then states are mean-pooled."""
import torch
from torch import nn


class Scorer(nn.Module):
    def __init__(self, n_words=100, d=16):
        super().__init__()
        self.words = nn.Embedding(n_words, d)
        self.summary = nn.Parameter(torch.zeros(1, 1, d))
        self.rnn = nn.GRU(d, d, batch_first=True)

    def forward(self, x):
        e = self.words(x)
        e = torch.cat([self.summary.expand(x.size(0), -1, -1), e], dim=1)
        h, _ = self.rnn(e)
        return h


def pool(h, m):
    w = m.unsqueeze(-1).float()
    return (h * w).sum(1) / w.sum(1)


x = torch.tensor([[4, 8, 15, 16, 0], [23, 42, 0, 0, 0]])
m = (x != 0).long()
scorer = Scorer()
h = scorer(x)
v = pool(h, m)
print(v.shape)
