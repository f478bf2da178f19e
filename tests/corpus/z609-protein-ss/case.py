"""Secondary-structure tagger (H/E/C) with ALiBi self-attention + optional CRF.

Before launching on the cluster we trace one batch on the `meta` device to check shapes
and activation sizes without allocating anything, then train a small model on CPU.
"""
import argparse
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------------------- utils
AA = "ACDEFGHIKLMNPQRSTVWY"
SS = "HEC"


def alibi_slopes(n_heads):
    start = 2 ** (-8.0 / n_heads)
    return torch.tensor([start ** (i + 1) for i in range(n_heads)])


def build_alibi(n_heads, max_len):
    pos = torch.arange(max_len)
    dist = (pos[None, :] - pos[:, None]).abs().float()          # (L, L)
    return -torch.einsum("h,qk->hqk", alibi_slopes(n_heads), dist)


def pad_batch(pairs, device):
    L = max(len(s) for s, _ in pairs)
    x = torch.zeros(len(pairs), L, dtype=torch.long)
    y = torch.zeros(len(pairs), L, dtype=torch.long)
    keep = torch.zeros(len(pairs), L, dtype=torch.bool)
    for i, (seq, ss) in enumerate(pairs):
        x[i, :len(seq)] = torch.tensor([AA.index(a) + 1 for a in seq])
        y[i, :len(ss)] = torch.tensor([SS.index(c) for c in ss])
        keep[i, :len(seq)] = True
    return x.to(device), y.to(device), keep.to(device)


class LinearCRF(nn.Module):
    def __init__(self, n_tags):
        super().__init__()
        self.trans = nn.Parameter(torch.zeros(n_tags, n_tags))

    def nll(self, emit, tags, keep):
        b, T, _ = emit.shape
        alpha = emit[:, 0]
        gold = emit[:, 0].gather(1, tags[:, :1]).squeeze(1)
        for t in range(1, T):
            nxt = torch.logsumexp(alpha[:, :, None] + self.trans[None] + emit[:, t, None, :], dim=1)
            on = keep[:, t]
            alpha = torch.where(on[:, None], nxt, alpha)
            step = self.trans[tags[:, t - 1], tags[:, t]] + emit[:, t].gather(1, tags[:, t:t + 1]).squeeze(1)
            gold = gold + step * on
        return (torch.logsumexp(alpha, dim=-1) - gold).mean()


class SSTagger(nn.Module):
    def __init__(self, dim, n_heads, max_len, use_crf):
        super().__init__()
        self.h, self.dk = n_heads, dim // n_heads
        self.emb = nn.Embedding(len(AA) + 1, dim, padding_idx=0)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)
        self.proj = nn.Linear(dim, len(SS))
        self.alibi = build_alibi(n_heads, max_len)
        self.crf = LinearCRF(len(SS)) if use_crf else None

    def forward(self, x, keep):
        B, L = x.shape
        h = self.emb(x)
        q, k, v = self.qkv(h).view(B, L, 3, self.h, self.dk).unbind(2)
        att = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(self.dk)
        att = att + self.alibi[:, :L, :L]
        att = att.masked_fill(~keep[:, None, None, :], float("-inf")).softmax(-1)
        ctx = torch.einsum("bhqk,bkhd->bqhd", att, v).reshape(B, L, -1)
        return self.proj(self.norm(h + self.out(ctx)))

    def loss(self, emit, tags, keep):
        if self.crf is not None:
            return self.crf.nll(emit, tags, keep)
        return F.cross_entropy(emit.transpose(1, 2), tags.masked_fill(~keep, -100))


DATA = [
    ("MKTAYIAKQR", "CHHHHHHHCC"), ("GSVKVTVLEA", "CEEEEEECCC"),
    ("PELLKKAEEL", "CHHHHHHHHC"), ("TYRVEVNGKT", "CEEEECCEEC"),
    ("MSDLLK", "CHHHHC"), ("KVIVEFTGSD", "CEEEEECCCC"), ("AEELAKRLG", "HHHHHHHCC"),
]


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--dim", type=int, default=32)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--max_len", type=int, default=64)
    p.add_argument("--use_crf", type=int, default=1)
    p.add_argument("--shape_check", type=int, default=1)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--bsz", type=int, default=4)
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args()


def main():
    args = get_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    make = lambda: SSTagger(args.dim, args.heads, args.max_len, bool(args.use_crf))

    if args.shape_check:
        ghost = make().to("meta")
        x, y, keep = pad_batch(DATA[:args.bsz], "meta")
        emit = ghost(x, keep)
        print(f"[shape-check] emissions {tuple(emit.shape)}  loss {tuple(ghost.loss(emit, y, keep).shape)}")

    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    for step in range(args.steps):
        x, y, keep = pad_batch(random.sample(DATA, args.bsz), "cpu")
        loss = model.loss(model(x, keep), y, keep)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step:3d}  nll {loss.item():.4f}  crf={bool(args.use_crf)}")


if __name__ == "__main__":
    main()
