"""Review polarity with a small TextCNN over word ids."""
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

EMB_DIM = 24
reviews = [
    ("great phone battery lasts all day", 1), ("screen cracked after one week", 0),
    ("fast delivery and works perfectly", 1), ("stopped charging and support ignored me", 0),
    ("love the camera quality", 1), ("speaker is muffled and quiet", 0),
    ("excellent value for the money", 1), ("app crashes every single time", 0),
] * 3
counts = Counter(w for text, _ in reviews for w in text.split())
word2idx = {"<pad>": 0}
for w, _ in counts.most_common():
    word2idx[w] = len(word2idx)


class TextCNN(nn.Module):
    def __init__(self, n_words, emb_dim, n_filters=16, widths=(2, 3)):
        super().__init__()
        self.embedding = nn.Embedding(n_words, emb_dim, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(emb_dim, n_filters, w) for w in widths)
        self.fc = nn.Linear(n_filters * len(widths), 2)

    def forward(self, x):
        e = self.embedding(x).transpose(1, 2)
        pooled = [F.relu(conv(e)).max(dim=2).values for conv in self.convs]
        return self.fc(torch.cat(pooled, dim=1))


def to_batch(rows):
    width = max(len(t.split()) for t, _ in rows)
    ids = [[word2idx[w] for w in t.split()] + [0] * (width - len(t.split())) for t, _ in rows]
    return torch.tensor(ids), torch.tensor([y for _, y in rows])


random.seed(0)
torch.manual_seed(0)
net = TextCNN(len(word2idx), EMB_DIM)
optim = torch.optim.SGD(net.parameters(), lr=0.1)
for epoch in range(3):
    random.shuffle(reviews)
    for k in range(0, len(reviews), 4):
        x, y = to_batch(reviews[k:k + 4])
        loss = F.cross_entropy(net(x), y)
        optim.zero_grad()
        loss.backward()
        optim.step()
    print(epoch, round(loss.item(), 4))
