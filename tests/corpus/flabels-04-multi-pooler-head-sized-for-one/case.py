"""Document classifier with several learned attention poolers whose summaries are joined for the output layer."""
import torch
import torch.nn as nn


class Pooler(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.score = nn.Linear(width, 1)

    def forward(self, h):
        w = torch.softmax(self.score(h), dim=1)
        return (w * h).sum(1)


class MultiPoolClassifier(nn.Module):
    def __init__(self, vocab, width, n_pool, n_out):
        super().__init__()
        self.tok = nn.Embedding(vocab, width)
        self.out = nn.Linear(width, n_out)
        self.pools = nn.ModuleList(Pooler(width) for _ in range(n_pool))

    def forward(self, ids):
        h = self.tok(ids)
        summary = torch.cat([p(h) for p in self.pools], dim=-1)
        return self.out(summary)


settings = dict(vocab=30, width=12, n_pool=3, n_out=4)
clf = MultiPoolClassifier(**settings)
docs = torch.randint(0, 30, (2, 9))
print(clf(docs).softmax(-1))
