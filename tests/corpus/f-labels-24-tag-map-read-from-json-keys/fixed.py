"""Sentiment probe whose tag numbering comes from the labelling tool's export."""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F

EXPORT = '{"tags": {"1": "negative", "2": "neutral", "3": "positive"}}'
ROWS = [([0.2, 0.9, 0.1, 0.4], "positive"), ([0.8, 0.1, 0.3, 0.2], "negative"),
        ([0.5, 0.5, 0.5, 0.5], "neutral"), ([0.1, 0.7, 0.2, 0.9], "positive")]

idx_to_tag = {int(k) - 1: v for k, v in json.loads(EXPORT)["tags"].items()}
tag_to_idx = {tag: i for i, tag in idx_to_tag.items()}

x = torch.tensor([r for r, _ in ROWS])
y = torch.tensor([tag_to_idx[t] for _, t in ROWS])
probe = nn.Linear(4, len(idx_to_tag))
opt = torch.optim.SGD(probe.parameters(), lr=0.1)
for step in range(10):
    loss = F.cross_entropy(probe(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
print("loss", round(loss.item(), 3))
