"""Sentence-embedding probe trained with a label-smoothing cross-entropy (timm-style loss class).
Features and labels come from one numeric CSV export."""
import io

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
EXPORT = io.StringIO("\n".join(
    ",".join(f"{v:.3f}" for v in np.random.RandomState(i).randn(8)) + f",{i % 3}" for i in range(12)))


class LabelSmoothingCrossEntropy(nn.Module):
    def __init__(self, smoothing=0.1):
        super().__init__()
        self.smoothing = smoothing
        self.confidence = 1.0 - smoothing

    def forward(self, x, target):
        logprobs = F.log_softmax(x, dim=-1)
        nll_loss = -logprobs.gather(dim=-1, index=target.unsqueeze(1)).squeeze(1)
        smooth_loss = -logprobs.mean(dim=-1)
        return (self.confidence * nll_loss + self.smoothing * smooth_loss).mean()


table = np.loadtxt(EXPORT, delimiter=",")
features = torch.from_numpy(table[:, :-1]).float()
labels = torch.from_numpy(table[:, -1]).long()

probe = nn.Linear(8, 3)
criterion = LabelSmoothingCrossEntropy(smoothing=0.1)
optimizer = torch.optim.SGD(probe.parameters(), lr=0.1)
for epoch in range(10):
    loss = criterion(probe(features), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"loss {loss.item():.3f}")
