"""Scaled dot-product attention written by hand, fed the tokenizer-style attention mask."""
import math

import torch


def attend(q, k, v, m):
    s = q @ k.transpose(-1, -2) / math.sqrt(q.size(-1))
    s = s.masked_fill(m[:, None, :], float("-inf"))
    return s.softmax(-1) @ v


def encode(batch_ids, pad=0):
    am = (batch_ids != pad).long()
    h = torch.nn.functional.one_hot(batch_ids, 12).float()
    return attend(h, h, h, am)


out = encode(torch.tensor([[5, 3, 9, 0], [4, 4, 0, 0]]))
print(out.shape)
