import random

import torch
import torch.nn as nn
import torch.nn.functional as F

ROWS, COLS = 6, 7
rng = random.Random(21)
torch.manual_seed(21)


def four_in_row(grid, r, c, who):
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        run = 1
        for sign in (1, -1):
            rr, cc = r + sign * dr, c + sign * dc
            while 0 <= rr < ROWS and 0 <= cc < COLS and grid[rr][cc] == who:
                run += 1
                rr, cc = rr + sign * dr, cc + sign * dc
        if run >= 4:
            return True
    return False


def self_play_record():
    grid = [[0] * COLS for _ in range(ROWS)]
    heights = [0] * COLS
    digits, winner = [], 0
    for turn in range(ROWS * COLS):
        who = 1 if turn % 2 == 0 else 2
        col = rng.choice([c for c in range(COLS) if heights[c] < ROWS])
        row = heights[col]
        grid[row][col] = who
        heights[col] += 1
        digits.append(str(col + 1))
        if four_in_row(grid, row, col, who):
            winner = who
            break
    return "".join(digits), winner


def replay(record, winner):
    """Channels-last snapshots (rows, cols, [to-move, opponent]) before each move."""
    cells = torch.zeros(ROWS, COLS, 2)
    heights = [0] * COLS
    snaps, moves, values = [], [], []
    for ply, ch in enumerate(record):
        col = int(ch) - 1
        who = 1 if ply % 2 == 0 else 2
        snaps.append(cells.clone() if who == 1 else cells.flip(-1).clone())
        moves.append(col)
        values.append(0.0 if winner == 0 else (1.0 if winner == who else -1.0))
        cells[heights[col], col, who - 1] = 1.0
        heights[col] += 1
    return snaps, moves, values


def build_dataset(n_games=150):
    snaps, moves, values = [], [], []
    for _ in range(n_games):
        record, winner = self_play_record()
        s, m, v = replay(record, winner)
        snaps += s
        moves += m
        values += v
    boards = torch.stack(snaps).permute(0, 3, 1, 2)
    return boards, torch.tensor(moves), torch.tensor(values)


class DropNet(nn.Module):
    def __init__(self, width=24):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Conv2d(2, width, 3, padding=1), nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
        )
        self.skip = nn.Linear(2 * ROWS * COLS, width)
        self.policy = nn.Linear(width * ROWS * COLS + width, COLS)
        self.value = nn.Sequential(nn.Linear(width * ROWS * COLS + width, 32), nn.ReLU(),
                                   nn.Linear(32, 1), nn.Tanh())

    def forward(self, planes):
        feats = self.trunk(planes).flatten(1)
        shortcut = F.relu(self.skip(planes.view(planes.size(0), -1)))
        joint = torch.cat([feats, shortcut], dim=1)
        return self.policy(joint), self.value(joint).squeeze(-1)


def column_full_mask(planes):
    return planes[:, :, ROWS - 1, :].sum(1) > 0


def main():
    boards, moves, values = build_dataset()
    print(f"positions: {boards.shape[0]}, board tensor {tuple(boards.shape)}")
    split = int(0.9 * boards.shape[0])
    net = DropNet()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for epoch in range(3):
        perm = torch.randperm(split)
        for start in range(0, split, 128):
            idx = perm[start:start + 128]
            logits, v = net(boards[idx])
            logits = logits.masked_fill(column_full_mask(boards[idx]), -1e9)
            loss = F.cross_entropy(logits, moves[idx]) + F.mse_loss(v, values[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} last batch loss {loss.item():.3f}")

    with torch.no_grad():
        logits, v = net(boards[split:])
        acc = (logits.argmax(1) == moves[split:]).float().mean().item()
    print(f"held-out policy acc {acc:.2%}, mean |value| {v.abs().mean():.3f}")


if __name__ == "__main__":
    main()
