"""Utterance vectors for intent clustering: GRU states averaged over the real words."""
import torch
from torch import nn

torch.manual_seed(0)
WIDTH = 10


def weights_for(lengths):
    return (torch.arange(int(lengths.max()))[None, :] < lengths[:, None]).float()


def pool(states, w):
    total = (states * w[:, :, None]).sum(1)
    denom = w.sum(1, keepdim=True).clamp(min=1)
    return total / denom


utterances = [[4, 9, 2], [7, 1, 1, 8, 3, 2], [5, 6]]
lengths = torch.tensor([len(u) for u in utterances])
ids = nn.utils.rnn.pad_sequence([torch.tensor(u) for u in utterances], batch_first=True)
gru = nn.GRU(8, 8, batch_first=True)
states, _ = gru(nn.Embedding(12, 8)(ids))
print(pool(states, weights_for(lengths)).shape)
