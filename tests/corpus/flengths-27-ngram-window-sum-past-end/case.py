"""Scores every n-gram of a sentence by summing per-token salience from a small tagger."""
import torch
import torch.nn as nn

torch.manual_seed(4)
NGRAM = 3
tokens = "the new battery lasts two full days".split()
vocab = {w: i for i, w in enumerate(sorted(set(tokens)))}
ids = torch.tensor([[vocab[w] for w in tokens]])

tagger = nn.Sequential(nn.Embedding(len(vocab), 8), nn.Linear(8, 1))
salience = tagger(ids).squeeze(-1)[0]          # one score per token

best, best_span = float("-inf"), None
for first in range(len(tokens)):
    total = 0.0
    for k in range(NGRAM):
        pos = first + k
        total += salience[pos].item()
        if total > best:
            best, best_span = total, (first, pos)
print("most salient phrase:", " ".join(tokens[best_span[0]:best_span[1] + 1]))
