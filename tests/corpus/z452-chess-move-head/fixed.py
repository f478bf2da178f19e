"""Tiny policy net: predict the played move from a board snapshot.

Boards are 64 squares of piece codes (0 = empty, 1..12 = PNBRQK pnbrqk).
Moves are UCI strings mapped to integer ids.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

PIECES = ".PNBRQKpnbrqk"
FILES = "abcdefgh"


def random_board():
    squares = [0] * 64
    for sq in random.sample(range(64), 12):
        squares[sq] = random.randint(1, 12)
    return squares


def random_move():
    a = random.choice(FILES) + str(random.randint(1, 8))
    b = random.choice(FILES) + str(random.randint(1, 8))
    return a + b


# a handful of "games" worth of positions; only a few distinct moves so the head stays small
opening_moves = [random_move() for _ in range(10)]
positions = [(random_board(), random.choice(opening_moves)) for _ in range(48)]

# 0 is kept for moves we have never seen at inference time
move_to_id = {"<unk>": 0}
for _, mv in positions:
    if mv not in move_to_id:
        move_to_id[mv] = len(move_to_id)
num_moves = len(move_to_id)
print(f"{len(positions)} positions, {num_moves} move classes")


def batches(data, batch_size, shuffle=True):
    order = list(range(len(data)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [data[i] for i in order[start:start + batch_size]]
        boards = torch.tensor([b for b, _ in chunk], dtype=torch.long)
        targets = torch.tensor([move_to_id.get(m, 0) for _, m in chunk], dtype=torch.long)
        yield boards, targets


class PolicyNet(nn.Module):
    def __init__(self, n_moves, d=32):
        super().__init__()
        self.piece_emb = nn.Embedding(len(PIECES), d)
        self.square_emb = nn.Parameter(torch.randn(64, d) * 0.02)
        self.trunk = nn.Sequential(nn.Linear(64 * d, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU())
        self.policy_head = nn.Linear(128, n_moves)

    def forward(self, boards):
        x = self.piece_emb(boards) + self.square_emb
        x = x.flatten(1)
        return self.policy_head(self.trunk(x))


net = PolicyNet(num_moves)
opt = torch.optim.AdamW(net.parameters(), lr=3e-3)

for epoch in range(3):
    net.train()
    running, seen = 0.0, 0
    for boards, targets in batches(positions, batch_size=8):
        logits = net(boards)
        loss = F.cross_entropy(logits, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item() * len(targets)
        seen += len(targets)
    print(f"epoch {epoch}: loss {running / seen:.4f}")

net.eval()
with torch.no_grad():
    correct = 0
    for boards, targets in batches(positions, batch_size=16, shuffle=False):
        correct += (net(boards).argmax(-1) == targets).sum().item()
print(f"train accuracy {correct / len(positions):.2%}")
