"""Othello move prediction with dihedral data augmentation.

Each position from the game records is shown to the network under a random
one of the 8 board symmetries; the move label and the legal-move mask are
transformed with the same symmetry so they stay aligned with the stones.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

DIRS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
RECORDS = [
    "d3c5d6c7e6f5c4e3f3c3d7f4b3g2g3f6b8",
    "f5f6c4c3e6f4g4d6c2g3g2d3e7b3g6h4b4h7h6g7c5e8h8",
    "d3c3f5f6c4g5b3c5e6d6b6e3f7e7g7g8f2",
    "c4c5c6c3c2d6e7f3f4d3d2b7e6b1b2b5a8e8b3g4e2d1",
    "c4e3f5c6d3e6f6c5d7c3b5a6d2c2b1e8b2",
    "e6f6g6e3d3c2e2d6b1f5c3f4d7c4g3e1b5b3d2",
    "d3c5b6e3f4d2f5g6f6g5h7b5c2b7d6g7",
    "d3e3f6c5e2d6c3f4g4d2c2g7d7g3f5f2f7f8f3d1g2",
]


def captured(board, r, c, player):
    if board[r, c] != 0:
        return []
    caught = []
    for dr, dc in DIRS:
        line, rr, cc = [], r + dr, c + dc
        while 0 <= rr < 8 and 0 <= cc < 8 and board[rr, cc] == -player:
            line.append((rr, cc))
            rr, cc = rr + dr, cc + dc
        if line and 0 <= rr < 8 and 0 <= cc < 8 and board[rr, cc] == player:
            caught += line
    return caught


def legal_squares(board, player):
    mask = np.zeros((8, 8), dtype=np.float32)
    for r in range(8):
        for c in range(8):
            if captured(board, r, c, player):
                mask[r, c] = 1.0
    return mask


def replay(record):
    board = np.zeros((8, 8), dtype=np.int8)
    board[3, 3] = board[4, 4] = -1
    board[3, 4] = board[4, 3] = 1
    player, out = 1, []
    for i in range(0, len(record), 2):
        c, r = "abcdefgh".index(record[i]), int(record[i + 1]) - 1
        planes = np.stack([board == player, board == -player]).astype(np.float32)
        out.append((planes, legal_squares(board, player), r, c))
        for rr, cc in captured(board, r, c, player):
            board[rr, cc] = player
        board[r, c] = player
        player = -player
    return out


def symmetry(grid, k, mirror):
    grid = np.rot90(grid, k, axes=(-2, -1))
    grid = np.flip(grid, axis=-1) if mirror else grid
    return np.ascontiguousarray(grid)


class AugmentedPositions(Dataset):
    def __init__(self, records, seed=0):
        self.items = [pos for rec in records for pos in replay(rec)]
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        planes, legal, r, c = self.items[i]
        k, mirror = int(self.rng.integers(4)), bool(self.rng.integers(2))
        onehot = np.zeros((8, 8), dtype=np.float32)
        onehot[r, c] = 1.0
        target = int(symmetry(onehot, k, mirror).argmax())
        return symmetry(planes, k, mirror), symmetry(legal, k, mirror), target


class OthelloPolicy(nn.Module):
    def __init__(self, width=48, depth=3):
        super().__init__()
        layers = [nn.Conv2d(2, width, 3, padding=1), nn.ReLU()]
        for _ in range(depth - 1):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
        self.trunk = nn.Sequential(*layers)
        self.head = nn.Conv2d(width, 1, 1)

    def forward(self, planes):
        return self.head(self.trunk(planes)).flatten(1)


def main():
    torch.manual_seed(0)
    data = AugmentedPositions(RECORDS)
    print(f"{len(data)} positions")
    loader = DataLoader(data, batch_size=32, shuffle=True)
    model = OthelloPolicy()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(6):
        seen = correct = 0
        total = 0.0
        for planes, legal, target in loader:
            logits = model(planes).masked_fill(legal.flatten(1) == 0, -1e9)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * target.size(0)
            correct += (logits.argmax(1) == target).sum().item()
            seen += target.size(0)
        print(f"epoch {epoch}: loss {total / seen:.3f}  acc {correct / seen:.2%}")


if __name__ == "__main__":
    main()
