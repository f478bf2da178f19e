"""A LLaMA-style decoder block (RMSNorm, rotary position embeddings, SwiGLU) for a character-level model,
written from the paper's equations; one forward pass on a batch of names as a smoke test.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class ModelArgs:
    dim = 32
    n_heads = 2
    max_seq_len = 64
    vocab_size = 28
    rope_theta = 10000.0


def precompute_rope(dim, max_seq_len, theta):
    inv_freq = 1.0 / theta ** (torch.arange(0, dim, 2).float() / dim)
    angles = torch.outer(torch.arange(max_seq_len).float(), inv_freq)
    emb = torch.cat([angles, angles], dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([-x2, x1], dim=-1)


def apply_rope(x, cos, sin):
    t = x.size(-2)
    return x * cos[:t] + rotate_half(x) * sin[:t]


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight, self.eps = nn.Parameter(torch.ones(dim)), eps

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)


class Attention(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.n_heads, self.head_dim = args.n_heads, args.dim // args.n_heads
        self.wq = nn.Linear(args.dim, args.dim, bias=False)
        self.wk = nn.Linear(args.dim, args.dim, bias=False)
        self.wv = nn.Linear(args.dim, args.dim, bias=False)
        self.wo = nn.Linear(args.dim, args.dim, bias=False)
        cos, sin = precompute_rope(self.head_dim, args.max_seq_len, args.rope_theta)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = (w(x).view(b, t, self.n_heads, self.head_dim).transpose(1, 2) for w in (self.wq, self.wk, self.wv))
        q, k = apply_rope(q, self.cos, self.sin), apply_rope(k, self.cos, self.sin)
        out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.wo(out.transpose(1, 2).reshape(b, t, -1))


class FeedForward(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.w1, self.w2, self.w3 = nn.Linear(dim, hidden), nn.Linear(hidden, dim), nn.Linear(dim, hidden)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.attn_norm, self.attn = RMSNorm(args.dim), Attention(args)
        self.ffn_norm, self.ffn = RMSNorm(args.dim), FeedForward(args.dim, 4 * args.dim)

    def forward(self, x):
        x = x + self.attn(self.attn_norm(x))
        return x + self.ffn(self.ffn_norm(x))


args = ModelArgs()
names = ["emma", "olivia", "ava", "isabella"]
stoi = {c: i + 1 for i, c in enumerate("abcdefghijklmnopqrstuvwxyz")}
width = max(map(len, names))
ids = torch.tensor([[stoi[c] for c in n] + [0] * (width - len(n)) for n in names])
tok_emb = nn.Embedding(args.vocab_size, args.dim)
block = Block(args)
out = block(tok_emb(ids))
print("block output", tuple(out.shape))
