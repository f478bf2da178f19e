"""9x9 Go move predictor: board planes + an embedding of the previous move.

Games come as minimal SGF strings. Each position produces three stone planes
plus a small context row (previous move, game phase); the target is the next
move as a point index 0..80, with 81 meaning pass.
"""
import re

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

SIZE = 9
PASS = SIZE * SIZE
N_MOVES = PASS + 1
MOVE_RE = re.compile(r";([BW])\[([a-i]{2})?\]")

SGF_GAMES = [
    "(;GM[1]SZ[9]KM[7];B[ee];W[cg];B[gc];W[dc];B[cd];W[gg];B[fg];W[gf];B[ff];W[eh])",
    "(;GM[1]SZ[9]KM[7];B[ec];W[ef];B[cf];W[gd];B[fd];W[ge];B[dg];W[fh];B[];W[])",
    "(;GM[1]SZ[9]KM[7];B[cc];W[gg];B[gc];W[cg];B[ee];W[eg];B[df];W[dg];B[ce])",
    "(;GM[1]SZ[9]KM[7];B[ed];W[eg];B[cf];W[gf];B[ch];W[gc];B[fc];W[gd];B[dh])",
    "(;GM[1]SZ[9]KM[7];B[fe];W[de];B[ec];W[dg];B[gg];W[cc];B[dc];W[cd];B[];W[bc])",
    "(;GM[1]SZ[9]KM[7];B[ee];W[eg];B[fg];W[fh];B[gh];W[dh];B[gf];W[cf];B[dd])",
]


def point_index(coord):
    if not coord:
        return PASS
    col = ord(coord[0]) - ord("a")
    row = ord(coord[1]) - ord("a")
    return row * SIZE + col


def parse_sgf(text):
    return [(color, point_index(coord)) for color, coord in MOVE_RE.findall(text)]


def stone_planes(board, to_play):
    return np.stack([board == to_play, board == -to_play, board == 0]).astype(np.float32)


def positions(games):
    planes, context, targets = [], [], []
    for text in games:
        moves = parse_sgf(text)
        board = np.zeros((SIZE, SIZE), dtype=np.int8)
        last = PASS
        # opening sequences only; captures do not occur in these records
        for ply, (color, move) in enumerate(moves):
            to_play = 1 if color == "B" else -1
            planes.append(stone_planes(board, to_play))
            context.append([last, ply / len(moves)])
            targets.append(move)
            if move != PASS:
                board[move // SIZE, move % SIZE] = to_play
            last = move
    return (
        torch.from_numpy(np.stack(planes)),
        torch.from_numpy(np.array(context, dtype=np.float32)),
        torch.tensor(targets),
    )


class PolicyNet(nn.Module):
    def __init__(self, channels=32):
        super().__init__()
        self.stem = nn.Conv2d(3, channels, 3, padding=1)
        self.block = nn.Conv2d(channels, channels, 3, padding=1)
        self.prev_embed = nn.Embedding(N_MOVES, channels)
        self.phase_proj = nn.Linear(1, channels)
        self.to_logits = nn.Conv2d(channels, 1, 1)
        self.pass_head = nn.Linear(channels, 1)

    def forward(self, planes, context):
        prev_move = context[:, 0].long()
        phase = context[:, 1:]
        bias = self.prev_embed(prev_move) + self.phase_proj(phase)
        h = F.relu(self.stem(planes) + bias[:, :, None, None])
        h = F.relu(self.block(h)) + h
        point_logits = self.to_logits(h).flatten(1)
        pass_logit = self.pass_head(h.mean(dim=(2, 3)))
        return torch.cat([point_logits, pass_logit], dim=1)


def legal_mask(planes):
    empty = planes[:, 2].flatten(1) > 0
    return torch.cat([empty, torch.ones_like(empty[:, :1])], dim=1)


def fit(model, loader, epochs):
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for epoch in range(epochs):
        model.train()
        running = 0.0
        for planes, context, target in loader:
            logits = model(planes, context).masked_fill(~legal_mask(planes), -1e9)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch + 1}/{epochs}  nll {running / len(loader):.3f}")


def main():
    torch.manual_seed(3)
    planes, context, targets = positions(SGF_GAMES)
    print(f"positions: {planes.shape[0]}, planes {tuple(planes.shape[1:])}")
    loader = DataLoader(TensorDataset(planes, context, targets), batch_size=8, shuffle=True)
    model = PolicyNet()
    fit(model, loader, epochs=4)
    with torch.no_grad():
        top1 = model(planes, context).masked_fill(~legal_mask(planes), -1e9).argmax(1)
    print(f"top-1 agreement: {(top1 == targets).float().mean():.2%}")


if __name__ == "__main__":
    main()
