import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

OPENINGS = [
    "e4 e5 Nf3 Nc6 Bb5 a6 Ba4 Nf6 O-O Be7",
    "e4 c5 Nf3 d6 d4 cxd4 Nxd4 Nf6 Nc3 a6",
    "d4 d5 c4 e6 Nc3 Nf6 Bg5 Be7 e3 O-O",
    "d4 Nf6 c4 g6 Nc3 Bg7 e4 d6 Nf3 O-O",
    "e4 e6 d4 d5 Nc3 Bb4 e5 c5 a3 Bxc3+",
    "c4 e5 Nc3 Nf6 g3 d5 cxd5 Nxd5 Bg2 Nb6",
    "e4 c6 d4 d5 Nc3 dxe4 Nxe4 Bf5 Ng3 Bg6",
    "Nf3 d5 g3 Nf6 Bg2 e6 O-O Be7 d3 O-O",
]
RESULTS = ["1-0", "1/2-1/2", "0-1"]
OUTCOME = {r: i for i, r in enumerate(RESULTS)}

games = []
for _ in range(48):
    w, b = random.randint(1200, 2500), random.randint(1200, 2500)
    diff = w - b
    res = "1-0" if diff > 150 else "0-1" if diff < -150 else "1/2-1/2"
    games.append({"white": w, "black": b, "moves": random.choice(OPENINGS), "result": res})

move_vocab = {"<pad>": 0}
for line in OPENINGS:
    for mv in line.split():
        move_vocab.setdefault(mv, len(move_vocab))


def encode_game(g):
    ids = [move_vocab[m] for m in g["moves"].split()]
    ratings = ((g["white"] - 1800) / 400, (g["black"] - 1800) / 400)
    return ids, ratings, OUTCOME[g["result"]]


def build_tensors(records):
    encoded = [encode_game(g) for g in records]
    width = max(len(e[0]) for e in encoded)
    moves = torch.tensor([e[0] + [0] * (width - len(e[0])) for e in encoded])
    table = np.array([(e[1][0], e[1][1], e[2]) for e in encoded])
    ratings = torch.tensor(table[:, :2], dtype=torch.float32)
    outcomes = torch.tensor(table[:, 2])
    return moves, ratings, outcomes


class OutcomeNet(nn.Module):
    def __init__(self, n_moves, dim=24, n_out=3):
        super().__init__()
        self.emb = nn.Embedding(n_moves, dim, padding_idx=0)
        self.mlp = nn.Sequential(nn.Linear(dim + 2, 32), nn.ReLU(), nn.Linear(32, n_out))

    def forward(self, moves, ratings):
        keep = (moves != 0).unsqueeze(-1).float()
        pooled = (self.emb(moves) * keep).sum(1) / keep.sum(1)
        return self.mlp(torch.cat([pooled, ratings], dim=-1))


def run_epoch(net, opt, moves, ratings, outcomes, bs=12):
    net.train()
    order = torch.randperm(moves.size(0))
    running = 0.0
    for i in range(0, len(order), bs):
        sel = order[i:i + bs]
        logits = net(moves[sel], ratings[sel])
        loss = F.cross_entropy(logits, outcomes[sel])
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item() * len(sel)
    return running / len(order)


def accuracy(net, moves, ratings, outcomes):
    net.eval()
    with torch.no_grad():
        return (net(moves, ratings).argmax(-1) == outcomes).float().mean().item()


train_m, train_r, train_y = build_tensors(games[:36])
test_m, test_r, test_y = build_tensors(games[36:])

net = OutcomeNet(len(move_vocab))
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
for epoch in range(10):
    avg = run_epoch(net, opt, train_m, train_r, train_y)
    print(f"epoch {epoch} loss {avg:.3f}")
print("test accuracy", accuracy(net, test_m, test_r, test_y))
