"""Sentiment LSTM over pretrained word vectors (100-d vectors, loaded into an embedding table)."""
import torch
import torch.nn as nn

vectors = torch.randn(1000, 100)  # stands in for GloVe 100-d


class SentimentLSTM(nn.Module):
    def __init__(self, pretrained, hidden=64):
        super().__init__()
        self.embed = nn.Embedding.from_pretrained(pretrained, freeze=True)
        self.lstm = nn.LSTM(pretrained.size(1), hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, ids):
        states, _ = self.lstm(self.embed(ids))
        return self.out(states[:, -1]).squeeze(-1)


model = SentimentLSTM(vectors)
batch = torch.randint(0, 1000, (8, 20))
print(model(batch).shape)
