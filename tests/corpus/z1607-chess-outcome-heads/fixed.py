"""Predict the result of a (toy) chess game from its first plies.

Each ply is tokenised as two square tokens (from-square, to-square), plus a
side-to-move token so the encoder knows whose move it is.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

FILES = "abcdefgh"
SQUARES = [f + str(r) for r in range(1, 9) for f in FILES]
PAD, WHITE, BLACK = 0, 1, 2
SQ_OFFSET = 3
BOARD_VOCAB = SQ_OFFSET + len(SQUARES)
RESULTS = ["1-0", "1/2-1/2", "0-1"]
MAX_PLIES = 20


def square_id(sq):
    return SQ_OFFSET + SQUARES.index(sq)


def random_game(rng):
    plies = []
    for ply in range(rng.randint(6, MAX_PLIES)):
        src = rng.choice(SQUARES)
        dst = rng.choice(SQUARES)
        plies.append((WHITE if ply % 2 == 0 else BLACK, src, dst))
    centre = sum(p[2] in ("d4", "d5", "e4", "e5") for p in plies if p[0] == WHITE)
    outcome = 0 if centre >= 2 else (2 if len(plies) % 2 else 1)
    return plies, outcome


def tokenise_game(plies):
    toks = []
    for side, src, dst in plies:
        toks.extend([side, square_id(src), square_id(dst)])
    return toks


def pad_games(games):
    width = max(len(g) for g in games)
    board_tokens = torch.full((len(games), width), PAD, dtype=torch.long)
    for i, g in enumerate(games):
        board_tokens[i, : len(g)] = torch.tensor(g)
    return board_tokens


class PlyAttention(nn.Module):
    def __init__(self, width, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.d_head = width // n_heads
        self.query = nn.Linear(width, width)
        self.key = nn.Linear(width, width)
        self.value = nn.Linear(width, width)
        self.merge = nn.Linear(width, width)

    def split_heads(self, t):
        B, S, _ = t.shape
        return t.view(B, S, self.n_heads, self.d_head).transpose(1, 2)

    def forward(self, x, live):
        B, S, W = x.shape
        q = self.split_heads(self.query(x))
        k = self.split_heads(self.key(x))
        v = self.split_heads(self.value(x))
        energy = q @ k.transpose(2, 3) / math.sqrt(self.d_head)
        energy = energy.masked_fill(~live[:, None, None, :], float("-inf"))
        weights = F.softmax(energy, dim=-1)
        ctx = (weights @ v).transpose(1, 2).contiguous().view(B, S, W)
        return self.merge(ctx)


class GameEncoder(nn.Module):
    def __init__(self, width=40, n_heads=4, n_layers=2):
        super().__init__()
        self.piece_embed = nn.Embedding(BOARD_VOCAB, width, padding_idx=PAD)
        self.ply_embed = nn.Embedding(3 * MAX_PLIES, width)
        self.layers = nn.ModuleList([PlyAttention(width, n_heads) for _ in range(n_layers)])
        self.ffns = nn.ModuleList([nn.Sequential(nn.Linear(width, 2 * width), nn.ReLU(),
                                                 nn.Linear(2 * width, width)) for _ in range(n_layers)])
        self.norm = nn.LayerNorm(width)
        self.result_head = nn.Linear(width, len(RESULTS))

    def forward(self, board_tokens):
        live = board_tokens != PAD
        positions = torch.arange(board_tokens.size(1))
        h = self.piece_embed(board_tokens) + self.ply_embed(positions)[None]
        for attn, ffn in zip(self.layers, self.ffns):
            h = h + attn(self.norm(h), live)
            h = h + ffn(self.norm(h))
        pooled = (h * live.unsqueeze(-1)).sum(1) / live.sum(1, keepdim=True)
        return self.result_head(pooled)


def main():
    rng = random.Random(5)
    torch.manual_seed(5)
    games = [random_game(rng) for _ in range(80)]
    encoded = [tokenise_game(p) for p, _ in games]
    outcomes = torch.tensor([o for _, o in games])

    net = GameEncoder()
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    for epoch in range(4):
        perm = torch.randperm(len(games)).tolist()
        correct = 0
        for s in range(0, len(perm), 10):
            chunk = perm[s:s + 10]
            board_tokens = pad_games([encoded[i] for i in chunk])
            scores = net(board_tokens)
            loss = F.cross_entropy(scores, outcomes[chunk])
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += (scores.argmax(-1) == outcomes[chunk]).sum().item()
        print(f"epoch {epoch}: acc {correct / len(games):.3f}")


if __name__ == "__main__":
    main()
