"""Hand-written multi-head self-attention block used in our tiny transformer encoder."""
import math

import torch
import torch.nn as nn

torch.manual_seed(0)


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, hidden_size=64, num_heads=4):
        super().__init__()
        self.num_heads, self.head_dim = num_heads, hidden_size // num_heads
        self.qkv = nn.Linear(hidden_size, 3 * hidden_size)
        self.out = nn.Linear(hidden_size, hidden_size)

    def forward(self, x, attention_mask):
        B, L, H = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q, k, v = (t.view(B, L, self.num_heads, self.head_dim).transpose(1, 2) for t in (q, k, v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        scores = scores.masked_fill(~attention_mask[:, None, None, :], float("-inf"))
        context = torch.softmax(scores, dim=-1) @ v
        context = context.transpose(1, 2).view(B, L, H)
        return self.out(context)


attn = MultiHeadSelfAttention()
x = torch.randn(2, 10, 64)
attention_mask = torch.ones(2, 10, dtype=torch.bool)
attention_mask[1, 7:] = False
out = attn(x, attention_mask)
out.sum().backward()
