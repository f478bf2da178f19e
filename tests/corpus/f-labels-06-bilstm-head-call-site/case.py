"""Sentence-pair scorer: a bidirectional LSTM encoder and a reusable MLP head."""
import torch
import torch.nn as nn

HID = 40


class MLPHead(nn.Module):
    def __init__(self, in_dim, n_out, hidden=32):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, n_out)

    def forward(self, h):
        return self.fc2(torch.relu(self.fc1(h)))


class PairScorer(nn.Module):
    def __init__(self, vocab=200):
        super().__init__()
        self.emb = nn.Embedding(vocab, 24)
        self.enc = nn.LSTM(24, HID, batch_first=True, bidirectional=True)
        self.head = MLPHead(HID, 2)

    def forward(self, ids):
        out, _ = self.enc(self.emb(ids))
        return self.head(out.mean(dim=1))


torch.manual_seed(0)
scorer = PairScorer()
batch_ids = torch.randint(0, 200, (5, 9))
print(scorer(batch_ids).shape)
