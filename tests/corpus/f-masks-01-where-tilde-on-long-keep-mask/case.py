"""Masked max-pooling over padded GRU states for a sentence classifier."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(2)
sentences = [torch.randint(1, 50, (n,)) for n in (5, 9, 3, 7)]
ids = pad_sequence(sentences, batch_first=True)
keep = (ids != 0).long()  # 1 on real tokens, as the attention masks of the tokenizers


class MaxPoolClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 16, padding_idx=0)
        self.rnn = nn.GRU(16, 16, batch_first=True)
        self.out = nn.Linear(16, 2)

    def forward(self, ids, keep):
        states, _ = self.rnn(self.emb(ids))
        floor = torch.full_like(states, -1e4)
        states = torch.where(~keep.unsqueeze(-1), floor, states)
        return self.out(states.max(dim=1).values)


print(MaxPoolClassifier()(ids, keep).shape)
