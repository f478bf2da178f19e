import argparse
import random
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

FILES = "abcdefgh"
PIECE_PLANES = {p: i for i, p in enumerate("PNBRQKpnbrqk")}
BACK_RANK = "RNBQKBNR"


def parse_square(sq):
    assert len(sq) == 2 and sq[0] in FILES, f"bad square {sq!r}"
    file = FILES.index(sq[0])
    rank = int(sq[1])
    return rank, file


def square_index(sq):
    rank, file = parse_square(sq)
    return rank * 8 + file


class Board:
    def __init__(self):
        self.pieces = {}
        for i, f in enumerate(FILES):
            self.pieces[f"{f}1"] = BACK_RANK[i]
            self.pieces[f"{f}2"] = "P"
            self.pieces[f"{f}7"] = "p"
            self.pieces[f"{f}8"] = BACK_RANK[i].lower()
        self.white_to_move = True

    def own_squares(self):
        want_upper = self.white_to_move
        return sorted(s for s, p in self.pieces.items() if p.isupper() == want_upper)

    def push(self, uci):
        src, dst = uci[:2], uci[2:4]
        piece = self.pieces.pop(src, None)
        if piece is None:
            return False
        self.pieces[dst] = piece
        self.white_to_move = not self.white_to_move
        return True

    def planes(self):
        out = torch.zeros(len(PIECE_PLANES), 8, 8)
        for sq, piece in self.pieces.items():
            r, f = parse_square(sq)
            out[PIECE_PLANES[piece], r, f] = 1.0
        if not self.white_to_move:
            out = out.flip(1)
        return out


def random_game_log(rng, max_plies):
    board = Board()
    moves = []
    for _ in range(rng.randint(8, max_plies)):
        mine = board.own_squares()
        if not mine:
            break
        src = rng.choice(mine)
        targets = [f + r for f in FILES for r in "12345678" if f + r not in mine]
        dst = rng.choice(targets)
        board.push(src + dst)
        moves.append(src + dst)
    return " ".join(moves)


def iter_positions(logs):
    for line in logs:
        board = Board()
        for uci in line.split():
            x = board.planes()
            y = square_index(uci[:2]) * 64 + square_index(uci[2:4])
            if not board.push(uci):
                break
            yield x, y


class PolicyNet(nn.Module):
    def __init__(self, channels=16):
        super().__init__()
        self.conv1 = nn.Conv2d(len(PIECE_PLANES), channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.fc = nn.Linear(channels * 64, 64 * 64)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.fc(x.flatten(1))


def batched(pairs, size):
    xs, ys = [], []
    for x, y in pairs:
        xs.append(x)
        ys.append(y)
        if len(xs) == size:
            yield torch.stack(xs), torch.tensor(ys)
            xs, ys = [], []
    if xs:
        yield torch.stack(xs), torch.tensor(ys)


def cmd_fit(args):
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    logs = [random_game_log(rng, args.max_plies) for _ in range(args.games)]
    if not logs:
        return 1
    net = PolicyNet()
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)
    for epoch in range(args.epochs):
        losses = []
        for xb, yb in batched(iter_positions(logs), args.batch_size):
            loss = F.cross_entropy(net(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch} mean loss {sum(losses) / len(losses):.3f}")
    return 0


def cmd_show(args):
    rng = random.Random(args.seed)
    print(random_game_log(rng, args.max_plies))
    return 0


def main(argv):
    parser = argparse.ArgumentParser(prog="planes")
    sub = parser.add_subparsers(dest="cmd", required=True)
    fit = sub.add_parser("fit")
    fit.add_argument("--games", type=int, default=30)
    fit.add_argument("--max-plies", type=int, default=40)
    fit.add_argument("--epochs", type=int, default=2)
    fit.add_argument("--batch-size", type=int, default=32)
    fit.add_argument("--lr", type=float, default=0.05)
    fit.add_argument("--seed", type=int, default=3)
    show = sub.add_parser("show")
    show.add_argument("--max-plies", type=int, default=12)
    show.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    return {"fit": cmd_fit, "show": cmd_show}[args.cmd](args)


if __name__ == "__main__":
    main(["show"])
    sys.exit(main(["fit", "--games", "30", "--epochs", "2"]))
