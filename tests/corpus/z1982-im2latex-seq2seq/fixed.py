"""Handwritten math expression -> LaTeX tokens.

A CNN turns each formula image (height 48, variable width) into a row of
feature columns; a GRU decoder with additive attention emits LaTeX tokens.
"""
import re
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
random.seed(11)

IMG_H = 48
FORMULAS = [
    r"\frac { a } { b } + c",
    r"x ^ { 2 } + y ^ { 2 } = r ^ { 2 }",
    r"\sqrt { x + 1 }",
    r"\sum _ { i = 1 } ^ { n } i",
    r"e ^ { i \pi } + 1 = 0",
    r"\int _ { 0 } ^ { 1 } x d x",
    r"a _ { n + 1 } = 2 a _ { n }",
    r"\alpha + \beta = \gamma",
]
LATEX_TOKEN = re.compile(r"\\[a-zA-Z]+|[^\s]")


def tokenize(formula):
    return LATEX_TOKEN.findall(formula)


def build_vocab(formulas):
    toks = sorted({t for f in formulas for t in tokenize(f)})
    itos = ["<pad>", "<bos>", "<eos>"] + toks
    return {t: i for i, t in enumerate(itos)}, itos


def draw_formula(formula):
    w = 12 * len(tokenize(formula)) + 8
    canvas = torch.rand(1, IMG_H, w) * 0.1
    for k, tok in enumerate(tokenize(formula)):
        canvas[:, 12:36, 4 + 12 * k: 12 + 12 * k] += (sum(map(ord, tok)) % 7 + 3) / 10
    return canvas


def collate(formulas, tok2id):
    images = [draw_formula(f) for f in formulas]
    max_w = max(im.shape[-1] for im in images)
    pixel_batch = torch.zeros(len(images), 1, IMG_H, max_w)
    for i, im in enumerate(images):
        pixel_batch[i, ..., : im.shape[-1]] = im
    sequences = [[tok2id["<bos>"]] + [tok2id[t] for t in tokenize(f)] + [tok2id["<eos>"]]
                 for f in formulas]
    longest = max(len(s) for s in sequences)
    token_grid = torch.zeros(len(sequences), longest, dtype=torch.long)
    for i, s in enumerate(sequences):
        token_grid[i, : len(s)] = torch.tensor(s)
    return pixel_batch, token_grid


class FormulaEncoder(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, d, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )

    def forward(self, x):
        f = self.conv(x).mean(2)            # (B, d, W/4)
        return f.transpose(1, 2)            # (B, W/4, d)


class AttnDecoder(nn.Module):
    def __init__(self, n_tokens, d):
        super().__init__()
        self.embed = nn.Embedding(n_tokens, d, padding_idx=0)
        self.gru = nn.GRUCell(2 * d, d)
        self.att_q = nn.Linear(d, d)
        self.att_k = nn.Linear(d, d)
        self.att_v = nn.Linear(d, 1)
        self.out = nn.Linear(2 * d, n_tokens)

    def forward(self, memory, prev_tokens):
        B, L = prev_tokens.shape
        h = memory.mean(1)
        keys = self.att_k(memory)
        emb = self.embed(prev_tokens)       # (B, L, d)
        logits = []
        for t in range(L):
            score = self.att_v(torch.tanh(keys + self.att_q(h).unsqueeze(1))).squeeze(-1)
            ctx = (score.softmax(-1).unsqueeze(-1) * memory).sum(1)
            h = self.gru(torch.cat([emb[:, t], ctx], -1), h)
            logits.append(self.out(torch.cat([h, ctx], -1)))
        return torch.stack(logits, 1)       # (B, L, V)


def main():
    tok2id, id2tok = build_vocab(FORMULAS)
    d = 64
    encoder, decoder = FormulaEncoder(d), AttnDecoder(len(id2tok), d)
    opt = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=2e-3)

    for epoch in range(3):
        order = random.sample(FORMULAS, len(FORMULAS))
        total = 0.0
        for s in range(0, len(order), 4):
            pixels, token_grid = collate(order[s:s + 4], tok2id)
            memory = encoder(pixels)
            logits = decoder(memory, token_grid[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)),
                                   token_grid[:, 1:].reshape(-1), ignore_index=0)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / 2:.3f}")

    print("vocab size", len(id2tok))


if __name__ == "__main__":
    main()
