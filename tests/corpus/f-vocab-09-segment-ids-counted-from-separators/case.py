"""Sentence-pair scorer with its own small encoder: the pair is packed as `a SEP b SEP PAD...` and the
segment of each token is counted from the separators seen so far."""
import torch
import torch.nn as nn

SEP, PAD = 1, 0


class PairEncoder(nn.Module):
    def __init__(self, vocab=50, dim=16, segments=2):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.seg = nn.Embedding(segments, dim)
        self.out = nn.Linear(dim, 1)

    def forward(self, ids, segs):
        h = self.tok(ids) + self.seg(segs)
        return self.out(h.mean(1)).squeeze(-1)


def pack(a, b, width):
    row = a + [SEP] + b + [SEP]
    return row + [PAD] * (width - len(row))


def segments_of(batch):
    return torch.cumsum(batch == SEP, dim=-1)


pairs = [([5, 6, 7], [8, 9]), ([10, 11], [12, 13, 14, 15])]
batch = torch.tensor([pack(a, b, 10) for a, b in pairs])
scorer = PairEncoder()
print(scorer(batch, segments_of(batch)))
