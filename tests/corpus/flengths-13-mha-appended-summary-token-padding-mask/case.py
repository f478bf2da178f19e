"""Set encoder for tag lists: a learned summary vector is appended after the tags and read out."""
import torch
from torch import nn

torch.manual_seed(0)


class TagSetEncoder(nn.Module):
    def __init__(self, n_tags, width=16):
        super().__init__()
        self.lookup = nn.Embedding(n_tags, width, padding_idx=0)
        self.summary = nn.Parameter(torch.zeros(1, 1, width))
        self.mix = nn.MultiheadAttention(width, 4, batch_first=True)

    def forward(self, tags, ignore):
        e = self.lookup(tags)
        e = torch.cat([e, self.summary.expand(e.shape[0], -1, -1)], 1)
        out, _ = self.mix(e, e, e, key_padding_mask=ignore)
        return out[:, -1]


def encode_all(model, tag_lists):
    longest = max(len(t) for t in tag_lists)
    tags = torch.tensor([t + [0] * (longest - len(t)) for t in tag_lists])
    return model(tags, tags == 0)


enc = TagSetEncoder(12)
print(encode_all(enc, [[3, 4, 7], [2, 9], [5, 6, 8, 11]]).shape)
