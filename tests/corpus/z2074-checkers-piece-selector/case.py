import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)

DARK_SQUARES = [(r, c) for r in range(8) for c in range(8) if (r + c) % 2 == 1]
PDN_TO_RC = {n + 1: rc for n, rc in enumerate(DARK_SQUARES)}
RC_TO_IDX = {rc: n for n, rc in enumerate(DARK_SQUARES)}

GAME_RECORDS = """
11-15 23-19 8-11 22-17 4-8 17-13 15-18 24-20 9-14 26-23 10-15 19-10 6-15 28-24
9-13 22-18 5-9 18-14 9-18 23-14 10-17 21-14 6-10 25-21 10-17 21-14 1-6 29-25
11-16 24-19 8-11 22-18 4-8 25-22 10-14 18-9 5-14 22-18 14-17 21-14 16-20 27-24
12-16 24-20 8-12 28-24 9-14 22-17 5-9 17-13 11-15 26-22 6-10 22-18 15-22 25-18
10-15 21-17 7-10 17-13 3-7 24-20 9-14 18-9 15-18 23-14 6-15 27-23 2-6 31-27
"""


def initial_board():
    board = torch.zeros(4, 8, 8)
    for sq in range(1, 13):
        board[(0,) + PDN_TO_RC[sq]] = 1
    for sq in range(21, 33):
        board[(2,) + PDN_TO_RC[sq]] = 1
    return board


def apply_move(board, move):
    steps = [int(s) for s in move.replace("x", "-").split("-")]
    src, dst = PDN_TO_RC[steps[0]], PDN_TO_RC[steps[-1]]
    piece = board[:, src[0], src[1]].clone()
    board[:, src[0], src[1]] = 0
    if abs(dst[0] - src[0]) == 2:
        mid = ((src[0] + dst[0]) // 2, (src[1] + dst[1]) // 2)
        board[:, mid[0], mid[1]] = 0
    board[:, dst[0], dst[1]] = piece
    if dst[0] in (0, 7):
        colour = 0 if piece[0] + piece[1] > 0 else 2
        board[colour:colour + 2, dst[0], dst[1]] = torch.tensor([0.0, 1.0])
    return steps[0]


def mover_view(board, black_to_move):
    own, opp = (board[0:2], board[2:4]) if black_to_move else (board[2:4], board[0:2])
    side = torch.full((1, 8, 8), 1.0 if black_to_move else 0.0)
    return torch.cat([own, opp, side], dim=0)


def records_to_samples(text):
    planes, picks = [], []
    for line in text.strip().splitlines():
        board = initial_board()
        for ply, move in enumerate(line.split()):
            black_to_move = ply % 2 == 0
            planes.append(mover_view(board, black_to_move))
            from_sq = apply_move(board, move)
            picks.append(from_sq - 1)
    return torch.stack(planes), torch.tensor(picks)


class PieceSelector(nn.Module):
    def __init__(self, channels=32):
        super().__init__()
        self.conv1 = nn.Conv2d(5, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.policy = nn.Linear(channels * 64, len(DARK_SQUARES))

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.policy(x.flatten(1))


def movable_mask(view):
    own = view[0] + view[1]
    empty = (view[:4].sum(0) == 0)
    forward = 1 if view[4, 0, 0] > 0 else -1
    legal = torch.zeros(len(DARK_SQUARES), dtype=torch.bool)
    for sq in range(own.numel()):
        r, c = divmod(sq, 8)
        if own[r, c] == 0:
            continue
        dirs = [forward] if view[0, r, c] > 0 else [1, -1]
        for dr in dirs:
            for dc in (-1, 1):
                nr, nc = r + dr, c + dc
                if 0 <= nr < 8 and 0 <= nc < 8 and empty[nr, nc]:
                    legal[sq] = True
    return legal


def main():
    planes, picks = records_to_samples(GAME_RECORDS)
    print(f"{planes.shape[0]} positions, planes {tuple(planes.shape[1:])}")
    net = PieceSelector()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for epoch in range(30):
        logits = net(planes)
        loss = F.cross_entropy(logits, picks)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"final train loss {loss.item():.3f}")

    net.eval()
    hits = 0
    with torch.no_grad():
        logits = net(planes)
        for i in range(planes.shape[0]):
            legal = movable_mask(planes[i])
            choice = logits[i].masked_fill(~legal, float("-inf")).argmax().item()
            hits += int(choice == picks[i].item())
    print(f"masked top-1 piece selection: {hits / planes.shape[0]:.2%}")


if __name__ == "__main__":
    main()
