"""TF-IDF features for a logistic-regression baseline, standardised before training."""
import math
from collections import Counter

import torch
import torch.nn.functional as F

docs = ["cheap flights to rome", "rome hotel deals", "python list comprehension", "python dict get default",
        "flights delayed again"]
labels = torch.tensor([0, 0, 1, 1, 0])
vocab = sorted({w for d in docs for w in d.split()})
df = Counter(w for d in docs for w in set(d.split()))
X = torch.tensor([[d.split().count(w) * math.log(len(docs) / df[w]) for w in vocab] for d in docs])

mean = X.mean(dim=0)
std = X.std(dim=1)
X = (X - mean) / (std + 1e-6)

W = torch.zeros(X.size(1), 2, requires_grad=True)
opt = torch.optim.SGD([W], lr=0.5)
for _ in range(100):
    loss = F.cross_entropy(X @ W, labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"train loss {loss.item():.3f}")
