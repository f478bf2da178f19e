"""Sentiment from bag-of-words counts; reviews whose tag is not in the tag map get a 'missing' marker."""
import torch
import torch.nn as nn

torch.manual_seed(0)
NO_LABEL = -1
tag_index = {"neg": 0, "pos": 1}
reviews = [("great fun great", "pos"), ("dull and slow", "neg"), ("not sure", "mixed"), ("loved it", "pos"),
           ("awful", "neg"), ("meh", "")]
words = sorted({w for text, _ in reviews for w in text.split()})


def bag(text):
    v = torch.zeros(len(words))
    for w in text.split():
        v[words.index(w)] += 1
    return v


class BowNet(nn.Sequential):
    def __init__(self, n_in, n_out):
        super().__init__(nn.Linear(n_in, 8), nn.Tanh(), nn.Linear(8, n_out), nn.LogSoftmax(dim=-1))


def fit(net, feats, gold, rounds=20):
    criterion = nn.NLLLoss()
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    for _ in range(rounds):
        logp = net(feats)
        cost = criterion(logp, gold)
        opt.zero_grad()
        cost.backward()
        opt.step()
    return cost.item()


feats = torch.stack([bag(t) for t, _ in reviews])
gold = torch.tensor([tag_index.get(tag, NO_LABEL) for _, tag in reviews])
print(fit(BowNet(len(words), len(tag_index)), feats, gold))
