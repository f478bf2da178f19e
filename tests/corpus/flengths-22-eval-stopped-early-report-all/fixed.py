"""Quick evaluation of a sentiment model: only a few batches are scored to save time, then a report is printed."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

torch.manual_seed(0)
MAX_EVAL_BATCHES = 2
reviews = [f"review number {k} " + ("good" if k % 2 else "bad") for k in range(11)]


def encode(texts):
    return torch.tensor([[len(t), t.count("o"), t.count("a")] for t in texts], dtype=torch.float)


clf = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 2))
scores = []
with torch.no_grad():
    for step, feats in enumerate(DataLoader(reviews, batch_size=4, collate_fn=encode)):
        if step == MAX_EVAL_BATCHES:
            break
        scores.append(clf(feats).softmax(-1)[:, 1])
positive = torch.cat(scores)
for n, review in enumerate(reviews[:len(positive)]):
    print(f"{positive[n]:.2f}  {review}")
