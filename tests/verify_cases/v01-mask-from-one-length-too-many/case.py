"""Mean pooling with a mask built at a fixed width AND from one length too many (the first row repeated).

The width fix explainerr proposes is right but not enough: the same line then fails on the batch dimension.
"""
import torch
import torch.nn as nn

MAX_LEN = 12


def build_mask(lengths, width=MAX_LEN):
    return (torch.arange(width).unsqueeze(0) < lengths.unsqueeze(1)).long()


class MeanPooler(nn.Module):
    def __init__(self, vocab_size=100, dim=16):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)

    def forward(self, input_ids, attention_mask):
        hidden = self.embed(input_ids)
        weights = attention_mask.unsqueeze(-1).float()
        return (hidden * weights).sum(1) / weights.sum(1)


torch.manual_seed(0)
lengths = torch.tensor([5, 9, 15])
input_ids = torch.zeros(3, int(lengths.max()), dtype=torch.long)
for row, n in enumerate(lengths.tolist()):
    input_ids[row, :n] = torch.randint(1, 100, (n,))
attention_mask = build_mask(torch.cat([lengths, lengths[:1]]))
sentence_vectors = MeanPooler()(input_ids, attention_mask)
print("sentence vectors", tuple(sentence_vectors.shape))
