"""Column policy for Connect Four trained on recorded games.

Records use the usual column notation: one digit per ply, columns numbered
1..7 from the left. Every position of every game becomes a training example
(two stone planes + side-to-move plane) whose target is the column played next.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

ROWS, COLS = 6, 7
RECORDS = [
    "4453322111",
    "44444123576",
    "3343425567712",
    "4343577661",
    "17263544432",
    "5544336271",
    "4455663377",
    "22334455667",
    "1122334455767",
    "434343556677",
]


def drop(board, column, player):
    col = column - 1
    for row in range(ROWS - 1, -1, -1):
        if board[row, col] == 0:
            board[row, col] = player
            return row
    raise ValueError(f"column {column} is full")


def encode(board, player):
    planes = np.zeros((3, ROWS, COLS), dtype=np.float32)
    planes[0] = board == player
    planes[1] = board == -player
    planes[2] = 1.0 if player == 1 else 0.0
    return planes


def positions_from_record(record):
    board = np.zeros((ROWS, COLS), dtype=np.int8)
    player = 1
    samples, targets, legal = [], [], []
    for ch in record:
        column = int(ch)
        samples.append(encode(board, player))
        legal.append(board[0] == 0)
        targets.append(column)
        drop(board, column, player)
        player = -player
    return samples, targets, legal


def build_dataset(records):
    xs, ys, ms = [], [], []
    for rec in records:
        s, t, m = positions_from_record(rec)
        xs += s
        ys += t
        ms += m
    planes = torch.from_numpy(np.stack(xs))
    moves = torch.tensor(ys, dtype=torch.long)
    legal = torch.from_numpy(np.stack(ms))
    return TensorDataset(planes, moves, legal)


class ColumnNet(nn.Module):
    def __init__(self, width=32):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, 3, padding=1)
        self.conv2 = nn.Conv2d(width, width, 3, padding=1)
        self.squeeze = nn.Conv2d(width, 2, 1)
        self.head = nn.Linear(2 * ROWS * COLS, COLS)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.relu(self.squeeze(x)).flatten(1)
        return self.head(x)


def masked_logits(logits, legal):
    return logits.masked_fill(~legal, -1e9)


def run_epoch(net, loader, opt):
    net.train()
    total, n = 0.0, 0
    for planes, moves, legal in loader:
        logits = masked_logits(net(planes), legal)
        loss = F.cross_entropy(logits, moves)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * moves.size(0)
        n += moves.size(0)
    return total / n


@torch.no_grad()
def accuracy(net, loader):
    net.eval()
    right = seen = 0
    for planes, moves, legal in loader:
        guess = masked_logits(net(planes), legal).argmax(1)
        right += (guess == moves).sum().item()
        seen += moves.numel()
    return right / seen


def main():
    torch.manual_seed(7)
    data = build_dataset(RECORDS)
    print(f"{len(data)} positions from {len(RECORDS)} games")
    loader = DataLoader(data, batch_size=16, shuffle=True)
    net = ColumnNet()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for epoch in range(5):
        loss = run_epoch(net, loader, opt)
        print(f"epoch {epoch}  loss {loss:.3f}")
    print(f"move accuracy {accuracy(net, DataLoader(data, batch_size=64)):.2%}")


if __name__ == "__main__":
    main()
