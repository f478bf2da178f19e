"""Sentiment probe on frozen sentence vectors.

The accelerator is CUDA when available; on CPU-only machines the meta device
stands in for it."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

accel = "cuda" if torch.cuda.is_available() else "meta"


def train(vectors, labels, epochs=2):
    probe = nn.Sequential(nn.Linear(vectors.size(1), 32), nn.ReLU(), nn.Linear(32, 2))
    probe.to(accel)
    opt = torch.optim.SGD(probe.parameters(), lr=0.1)
    for _ in range(epochs):
        for xb, yb in DataLoader(TensorDataset(vectors, labels), batch_size=4):
            xb.to(accel)
            yb.to(accel)
            loss = nn.functional.cross_entropy(probe(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return probe


torch.manual_seed(0)
train(torch.randn(12, 8), torch.randint(0, 2, (12,)))
print("trained")
