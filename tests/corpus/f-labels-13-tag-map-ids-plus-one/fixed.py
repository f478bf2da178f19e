"""Tweet stance with a bag-of-words MLP; the tag map is built once and reused by the batcher."""
import torch
import torch.nn as nn

torch.manual_seed(0)
STANCES = ["against", "neutral", "favor"]
STANCE_IDS = {s: i for i, s in enumerate(STANCES)}
WORDS = "we must ban this now maybe later love it not sure great idea terrible plan".split()
tweets = [("we must ban this now", "against"), ("maybe later", "neutral"), ("love it great idea", "favor"),
          ("not sure", "neutral"), ("terrible plan", "against"), ("great idea love it", "favor")]


def bag(text):
    v = torch.zeros(len(WORDS))
    for w in text.split():
        v[WORDS.index(w)] += 1
    return v


class StanceNet(nn.Module):
    def __init__(self, n_words, n_out):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_words, 16), nn.Tanh())
        self.out = nn.Linear(16, n_out)

    def forward(self, x):
        return self.out(self.body(x))


def batches(rows, size):
    for k in range(0, len(rows), size):
        chunk = rows[k:k + size]
        yield torch.stack([bag(t) for t, _ in chunk]), torch.tensor([STANCE_IDS[s] for _, s in chunk])


net = StanceNet(len(WORDS), len(STANCES))
criterion = nn.CrossEntropyLoss()
opt = torch.optim.SGD(net.parameters(), lr=0.1)
for epoch in range(2):
    for x, y in batches(tweets, 3):
        loss = criterion(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
print("done", loss.item())
