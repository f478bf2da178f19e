"""A minimal GPT block (nanoGPT-style causal self-attention) on a toy character stream."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.n_head = n_head
        self.register_buffer("causal", torch.tril(torch.ones(block_size, block_size, dtype=torch.bool)))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))
        att = att.masked_fill(~self.causal[:T, :T], float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))


class TinyGPT(nn.Module):
    def __init__(self, vocab_size=27, n_embd=32, n_head=4, block_size=16):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, n_embd)
        self.pos = nn.Embedding(block_size, n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size)
        self.lm_head = nn.Linear(n_embd, vocab_size)

    def forward(self, idx):
        x = self.tok(idx) + self.pos(torch.arange(idx.size(1)))
        return self.lm_head(x + self.attn(x))


text = "hello world this is a tiny gpt"
stoi = {c: i for i, c in enumerate(" abcdefghijklmnopqrstuvwxyz")}
data = torch.tensor([stoi[c] for c in text])
xb, yb = data[:-1].unfold(0, 8, 4), data[1:].unfold(0, 8, 4)
model = TinyGPT()
logits = model(xb)
loss = F.cross_entropy(logits.view(-1, logits.size(-1)), yb.reshape(-1))
loss.backward()
print(f"loss {loss.item():.3f}")
