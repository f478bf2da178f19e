"""Multi-task news classifier: one head for the topic, one for the tone, over a shared bag-of-words encoder."""
import random

import torch
import torch.nn as nn

random.seed(1)
torch.manual_seed(1)
TOPICS = ["politics", "sport", "science", "culture", "business", "weather"]
TONES = ["negative", "neutral", "positive"]
VOCAB = 120


def fake_article():
    words = [random.randrange(1, VOCAB) for _ in range(random.randint(8, 20))]
    return words, random.randrange(len(TOPICS)), random.randrange(len(TONES))


class MultiTask(nn.Module):
    def __init__(self, dim=32, n_topics=3, n_tones=3):
        super().__init__()
        self.bag = nn.EmbeddingBag(VOCAB, dim, mode="mean")
        self.topic_out = nn.Linear(dim, n_topics)
        self.tone_out = nn.Linear(dim, n_tones)

    def forward(self, flat, offsets):
        h = torch.tanh(self.bag(flat, offsets))
        t = self.topic_out(h)
        s = self.tone_out(h)
        return t, s


def batchify(arts):
    flat, offsets = [], []
    for words, _, _ in arts:
        offsets.append(len(flat))
        flat += words
    return (torch.tensor(flat), torch.tensor(offsets),
            torch.tensor([a[1] for a in arts]), torch.tensor([a[2] for a in arts]))


net = MultiTask(n_tones=len(TONES))
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
ce = nn.CrossEntropyLoss()
articles = [fake_article() for _ in range(64)]
for epoch in range(2):
    for k in range(0, len(articles), 16):
        flat, offsets, topic_y, tone_y = batchify(articles[k:k + 16])
        topic_scores, tone_scores = net(flat, offsets)
        loss = ce(tone_scores, tone_y) + ce(topic_scores, topic_y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(epoch, round(loss.item(), 3))
