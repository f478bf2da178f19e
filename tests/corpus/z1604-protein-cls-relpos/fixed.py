"""Toy hydrophobicity classifier for short peptide fragments.

Small encoder with learned relative-position bias (T5 style, clipped distance)
and a learned summary vector prepended to every fragment.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

AMINO = "ACDEFGHIKLMNPQRSTVWY"
HYDROPHOBIC = set("AILMFVW")
PAD_ID = 0
AA_TO_ID = {aa: i + 1 for i, aa in enumerate(AMINO)}
N_TOKENS = len(AA_TO_ID) + 1


def make_fragments(n, rng):
    frags, labels = [], []
    for _ in range(n):
        length = rng.randint(7, 15)
        frag = "".join(rng.choice(AMINO) for _ in range(length))
        share = sum(aa in HYDROPHOBIC for aa in frag) / length
        frags.append(frag)
        labels.append(int(share > 0.35))
    return frags, labels


def encode_batch(frags):
    longest = max(len(f) for f in frags)
    residues = torch.full((len(frags), longest), PAD_ID, dtype=torch.long)
    for row, frag in enumerate(frags):
        residues[row, : len(frag)] = torch.tensor([AA_TO_ID[aa] for aa in frag])
    residue_mask = residues != PAD_ID
    return residues, residue_mask


class RelativeBias(nn.Module):
    def __init__(self, n_heads, max_dist):
        super().__init__()
        self.max_dist = max_dist
        self.table = nn.Embedding(2 * max_dist + 1, n_heads)

    def forward(self, length):
        pos = torch.arange(length)
        rel = (pos[None, :] - pos[:, None]).clamp(-self.max_dist, self.max_dist)
        return self.table(rel + self.max_dist).permute(2, 0, 1)  # (heads, L, L)


class ResidueAttention(nn.Module):
    def __init__(self, d_model, n_heads, max_dist):
        super().__init__()
        self.h = n_heads
        self.dh = d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)
        self.rel = RelativeBias(n_heads, max_dist)

    def forward(self, x, keep):
        B, L, D = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q = q.view(B, L, self.h, self.dh).transpose(1, 2)
        k = k.view(B, L, self.h, self.dh).transpose(1, 2)
        v = v.view(B, L, self.h, self.dh).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.dh)
        scores = scores + self.rel(L).unsqueeze(0)
        scores = scores.masked_fill(~keep[:, None, None, :], float("-inf"))
        attn = scores.softmax(dim=-1)
        ctx = (attn @ v).transpose(1, 2).reshape(B, L, D)
        return self.out(ctx)


class EncoderBlock(nn.Module):
    def __init__(self, d_model, n_heads, max_dist):
        super().__init__()
        self.attn = ResidueAttention(d_model, n_heads, max_dist)
        self.ff = nn.Sequential(nn.Linear(d_model, 2 * d_model), nn.GELU(),
                                nn.Linear(2 * d_model, d_model))
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)

    def forward(self, x, keep):
        x = self.norm1(x + self.attn(x, keep))
        return self.norm2(x + self.ff(x))


class FragmentClassifier(nn.Module):
    def __init__(self, d_model=32, n_heads=4, n_layers=2, max_dist=6):
        super().__init__()
        self.embed = nn.Embedding(N_TOKENS, d_model, padding_idx=PAD_ID)
        self.summary_vec = nn.Parameter(torch.randn(1, 1, d_model) * 0.02)
        self.blocks = nn.ModuleList(
            [EncoderBlock(d_model, n_heads, max_dist) for _ in range(n_layers)])
        self.head = nn.Linear(d_model, 2)

    def forward(self, residues, residue_mask):
        h = self.embed(residues)
        summary = self.summary_vec.expand(h.size(0), -1, -1)
        h = torch.cat([summary, h], dim=1)
        residue_mask = torch.cat([residue_mask.new_ones(h.size(0), 1), residue_mask], dim=1)
        for block in self.blocks:
            h = block(h, residue_mask)
        return self.head(h[:, 0])


def main():
    rng = random.Random(7)
    torch.manual_seed(7)
    frags, labels = make_fragments(96, rng)
    model = FragmentClassifier()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    batch_size = 16

    for epoch in range(3):
        order = list(range(len(frags)))
        rng.shuffle(order)
        total = 0.0
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            residues, residue_mask = encode_batch([frags[i] for i in idx])
            target = torch.tensor([labels[i] for i in idx])
            logits = model(residues, residue_mask)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch} loss {total / len(frags):.4f}")


if __name__ == "__main__":
    main()
