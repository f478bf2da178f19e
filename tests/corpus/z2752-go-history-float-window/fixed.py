import argparse
import random
import sys
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

COLUMNS = "ABCDEFGHJKLMNOPQRST"
BOARD = 19
N_POINTS = BOARD * BOARD
PAD = N_POINTS


def point_to_index(token):
    assert len(token) >= 2, f"bad point {token!r}"
    col = COLUMNS.index(token[0].upper())
    row = int(token[1:]) - 1
    assert 0 <= row < BOARD, f"row out of range in {token!r}"
    return row * BOARD + col


def synth_sgf_logs(n_games, seed):
    rng = random.Random(seed)
    logs = []
    for _ in range(n_games):
        n_moves = rng.randint(12, 60)
        taken = rng.sample(range(N_POINTS), n_moves)
        moves = []
        for ply, idx in enumerate(taken):
            color = "B" if ply % 2 == 0 else "W"
            moves.append(f"{color}[{COLUMNS[idx % BOARD]}{idx // BOARD + 1}]")
        logs.append(";".join(moves))
    return logs


def parse_log(line):
    moves = []
    for chunk in line.split(";"):
        chunk = chunk.strip()
        if not chunk:
            continue
        color, rest = chunk[0], chunk[2:-1]
        if color not in "BW":
            return []
        moves.append(point_to_index(rest))
    return moves


class NextMoveDataset(Dataset):
    def __init__(self, games, context):
        self.context = context
        self.samples = []
        for moves in games:
            for t in range(1, len(moves)):
                self.samples.append((moves[max(0, t - context):t], moves[t]))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        history, target = self.samples[i]
        window = torch.zeros(self.context, dtype=torch.long)
        window.fill_(PAD)
        window[-len(history):] = torch.tensor(history)
        return {"history": window, "target": torch.tensor(target)}


class MovePolicy(nn.Module):
    def __init__(self, context, dim):
        super().__init__()
        self.stone = nn.Embedding(N_POINTS + 1, dim, padding_idx=PAD)
        self.ply = nn.Embedding(context, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.head = nn.Linear(dim, N_POINTS)

    def forward(self, history):
        steps = torch.arange(history.size(1), device=history.device)
        x = self.stone(history) + self.ply(steps)[None]
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


@dataclass
class TrainConfig:
    games: int
    context: int
    dim: int
    epochs: int
    batch_size: int
    lr: float
    seed: int


def cmd_train(cfg):
    torch.manual_seed(cfg.seed)
    games = [g for g in (parse_log(l) for l in synth_sgf_logs(cfg.games, cfg.seed)) if g]
    if not games:
        print("no games parsed")
        return 1
    ds = NextMoveDataset(games, cfg.context)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)
    model = MovePolicy(cfg.context, cfg.dim)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cfg.epochs):
        total, seen = 0.0, 0
        for batch in loader:
            logits = model(batch["history"])
            loss = loss_fn(logits, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * batch["target"].size(0)
            seen += batch["target"].size(0)
        print(f"epoch {epoch} loss {total / seen:.4f} ({seen} positions)")
    return 0


def cmd_stats(cfg):
    games = [parse_log(l) for l in synth_sgf_logs(cfg.games, cfg.seed)]
    lengths = [len(g) for g in games]
    print(f"{len(games)} games, mean length {sum(lengths) / len(lengths):.1f}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="gopolicy")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("train", "stats"):
        p = sub.add_parser(name)
        p.add_argument("--games", type=int, default=64)
        p.add_argument("--context", type=int, default=16)
        p.add_argument("--dim", type=int, default=32)
        p.add_argument("--epochs", type=int, default=2)
        p.add_argument("--batch-size", type=int, default=32)
        p.add_argument("--lr", type=float, default=3e-3)
        p.add_argument("--seed", type=int, default=7)
    return parser


def main(argv):
    args = build_parser().parse_args(argv)
    cfg = TrainConfig(args.games, args.context, args.dim, args.epochs,
                      args.batch_size, args.lr, args.seed)
    handlers = {"train": cmd_train, "stats": cmd_stats}
    return handlers[args.command](cfg)


if __name__ == "__main__":
    main(["stats", "--games", "48"])
    sys.exit(main(["train", "--games", "48", "--context", "12", "--epochs", "2"]))
