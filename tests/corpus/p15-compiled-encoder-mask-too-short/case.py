"""Sentence embeddings from a compiled mean-pooling encoder (torch.compile traces forward with fake tensors)."""
import torch
import torch.nn as nn

torch.manual_seed(0)
VOCAB, DIM, MAX_TOKENS = 50, 16, 8


class MeanPoolEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, DIM)

    def forward(self, token_ids, keep):
        states = self.embed(token_ids)
        weights = keep.unsqueeze(-1).float()
        return (states * weights).sum(1) / weights.sum(1).clamp(min=1)


def make_keep_mask(lengths):
    return torch.arange(MAX_TOKENS)[None, :] < torch.tensor(lengths)[:, None]


encoder = torch.compile(MeanPoolEncoder(), backend="eager")
token_ids = torch.randint(1, VOCAB, (3, 11))
keep = make_keep_mask([11, 9, 6])
vectors = encoder(token_ids, keep)
print(vectors.shape)
