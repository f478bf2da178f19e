"""Pre-training a tiny BERT from scratch on recipe steps with masked-language modelling, plain PyTorch."""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)

corpus = [
    "preheat the oven to two hundred degrees",
    "whisk the eggs with the sugar until pale",
    "fold the flour into the egg mixture",
    "pour the batter into the lined tin",
    "bake for twenty minutes until golden",
    "let the cake cool before slicing",
]


class Cfg:
    dim = 32
    heads = 2
    layers = 2
    max_len = 16
    mask_prob = 0.15
    batch_size = 3


itos = ["<pad>", "<unk>", "<cls>", "<sep>"] + sorted({w for line in corpus for w in line.split()})
stoi = {w: i for i, w in enumerate(itos)}
PAD_ID, CLS_ID, SEP_ID = stoi["<pad>"], stoi["<cls>"], stoi["<sep>"]
MASK_ID = len(itos)


def encode(line):
    ids = [CLS_ID] + [stoi.get(w, 1) for w in line.split()] + [SEP_ID]
    return ids[:Cfg.max_len] + [PAD_ID] * (Cfg.max_len - len(ids))


def mask_tokens(ids):
    labels = ids.clone()
    special = (ids == PAD_ID) | (ids == CLS_ID) | (ids == SEP_ID)
    chosen = (torch.rand(ids.shape) < Cfg.mask_prob) & ~special
    labels[~chosen] = -100
    inputs = ids.clone()
    inputs[chosen] = MASK_ID
    return inputs, labels


class MiniBert(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, Cfg.dim, padding_idx=PAD_ID)
        self.pos = nn.Parameter(torch.randn(1, Cfg.max_len, Cfg.dim) * 0.02)
        layer = nn.TransformerEncoderLayer(Cfg.dim, Cfg.heads, 4 * Cfg.dim, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, Cfg.layers)
        self.lm_head = nn.Linear(Cfg.dim, vocab_size)

    def forward(self, ids):
        x = self.tok(ids) * math.sqrt(Cfg.dim) + self.pos[:, :ids.size(1)]
        return self.lm_head(self.encoder(x, src_key_padding_mask=ids == PAD_ID))


data = torch.tensor([encode(line) for line in corpus])
model = MiniBert(len(itos))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
for epoch in range(5):
    perm = torch.randperm(len(data))
    for start in range(0, len(data), Cfg.batch_size):
        inputs, labels = mask_tokens(data[perm[start:start + Cfg.batch_size]])
        logits = model(inputs)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch}: mlm loss {loss.item():.3f}")
