"""Tabular baseline: two features and a class column parsed from CSV text."""
import io

import torch
import torch.nn as nn

CSV = "0.1,0.7,2\n0.9,0.2,0\n0.4,0.4,1\n0.8,0.9,2\n0.2,0.1,0\n0.5,0.6,1\n"


def load(text):
    rows = [[float(v) for v in line.split(",")] for line in io.StringIO(text).read().split()]
    table = torch.tensor(rows)
    return table[:, :2], table[:, 2:].long()


feats, cls_col = load(CSV)
mlp = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
optimizer = torch.optim.SGD(mlp.parameters(), lr=0.1)
for epoch in range(10):
    loss = nn.functional.cross_entropy(mlp(feats), cls_col)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(round(loss.item(), 3))
