"""Bag-of-embeddings spam filter in functional style: parameters are plain tensors, layers are F.* calls."""
from functools import reduce

import torch
import torch.nn.functional as F

torch.manual_seed(0)

corpus = [("win a free prize now", 1), ("lunch at noon?", 0), ("claim your free cash prize today", 1),
          ("see you at the gym", 0)]
vocab = reduce(lambda acc, w: acc if w in acc else {**acc, w: len(acc)},
               (w for text, _ in corpus for w in text.lower().split()), {"<pad>": 0})
encode = lambda text: [vocab.get(w, 0) for w in text.lower().split()]

params = {"E": torch.randn(len(vocab), 16, requires_grad=True),
          "W": torch.randn(16, 2, requires_grad=True),
          "b": torch.zeros(2, requires_grad=True)}
forward = lambda X, p: F.embedding(X, p["E"], padding_idx=0).mean(1) @ p["W"] + p["b"]

X = torch.nn.utils.rnn.pad_sequence([torch.tensor(encode(text)) for text, _ in corpus], batch_first=True)
y = torch.tensor([label for _, label in corpus])
opt = torch.optim.SGD(params.values(), lr=0.5)
for epoch in range(20):
    loss = F.cross_entropy(forward(X, params), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"loss {loss.item():.3f}")
