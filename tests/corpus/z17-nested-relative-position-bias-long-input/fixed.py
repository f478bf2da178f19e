"""A small encoder with learned relative-position attention bias (T5-style table, no bucketing), built from nested modules."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
MAX_DISTANCE = 16


class RelativePositionBias(nn.Module):
    def __init__(self, num_heads, max_distance=MAX_DISTANCE):
        super().__init__()
        self.max_distance = max_distance
        self.table = nn.Embedding(2 * max_distance - 1, num_heads)

    def forward(self, seq_len):
        pos = torch.arange(seq_len)
        rel = (pos[None, :] - pos[:, None]).clamp(-self.max_distance + 1, self.max_distance - 1)
        rel = rel + self.max_distance - 1
        return self.table(rel).permute(2, 0, 1)


class SelfAttention(nn.Module):
    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)
        self.rel_bias = RelativePositionBias(num_heads)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.num_heads, d // self.num_heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / (d // self.num_heads) ** 0.5 + self.rel_bias(t)
        return self.out((F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, t, d))


class Block(nn.Module):
    def __init__(self, dim, num_heads):
        super().__init__()
        self.attn = SelfAttention(dim, num_heads)
        self.ff = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.ff(self.norm2(x))


class Encoder(nn.Module):
    def __init__(self, vocab_size, dim=32, num_heads=2, depth=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.blocks = nn.ModuleList(Block(dim, num_heads) for _ in range(depth))

    def forward(self, ids):
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x)
        return x


vocab = {w: i for i, w in enumerate("<pad> the a model reads long documents and short ones too but this one "
                                    "keeps going on with many more words than we planned for".split())}
docs = ["the model reads short ones",
        "but this one keeps going on and on with many more words than we planned for and the model reads it too"]
encoder = Encoder(len(vocab))
for doc in docs:
    ids = torch.tensor([[vocab.get(w, 0) for w in doc.split()]])
    states = encoder(ids)
    print(doc[:20], tuple(states.shape))
