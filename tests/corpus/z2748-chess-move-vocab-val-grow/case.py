import argparse
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

FILES = "abcdefgh"
RANKS = "12345678"
HISTORY = 4


def square_index(sq):
    assert len(sq) == 2, sq
    return FILES.index(sq[0]) + 8 * RANKS.index(sq[1])


def random_game(rng, n_plies):
    moves = []
    cur = rng.randrange(64)
    for _ in range(n_plies):
        src = cur if rng.random() < 0.6 else rng.randrange(64)
        df, dr = rng.choice([(1, 2), (2, 1), (0, 1), (0, 2), (1, 1), (-1, 1), (-2, 1), (0, -1)])
        f = min(7, max(0, src % 8 + df))
        r = min(7, max(0, src // 8 + dr))
        dst = f + 8 * r
        if dst == src:
            dst = (src + 9) % 64
        moves.append(FILES[src % 8] + RANKS[src // 8] + FILES[dst % 8] + RANKS[dst // 8])
        cur = dst
    return " ".join(moves)


def make_logs(seed, n_games):
    rng = random.Random(seed)
    return [random_game(rng, rng.randint(18, 40)) for _ in range(n_games)]


class MoveVocab:
    def __init__(self):
        self.stoi = {"<unk>": 0}
        self.itos = ["<unk>"]

    def __len__(self):
        return len(self.itos)

    def encode(self, move, grow=True):
        if move in self.stoi:
            return self.stoi[move]
        if not grow:
            return 0
        self.stoi[move] = len(self.itos)
        self.itos.append(move)
        return self.stoi[move]


@dataclass
class Position:
    planes: torch.Tensor
    target: int


def board_planes(history):
    planes = torch.zeros(HISTORY, 2, 64)
    for k, mv in enumerate(history[-HISTORY:]):
        planes[k, 0, square_index(mv[:2])] = 1.0
        planes[k, 1, square_index(mv[2:4])] = 1.0
    return planes.flatten()


def build_examples(logs, vocab, grow=True):
    out = []
    for line in logs:
        moves = line.split()
        if len(moves) <= HISTORY:
            continue
        for i in range(HISTORY, len(moves)):
            out.append(Position(board_planes(moves[:i]), vocab.encode(moves[i], grow=grow)))
    return out


def batches(examples, size, shuffle, rng=None):
    idx = list(range(len(examples)))
    if shuffle:
        rng.shuffle(idx)
    for start in range(0, len(idx), size):
        chunk = [examples[j] for j in idx[start:start + size]]
        yield {
            "planes": torch.stack([p.planes for p in chunk]),
            "target": torch.tensor([p.target for p in chunk], dtype=torch.long),
        }


class PolicyNet(nn.Module):
    def __init__(self, n_in, n_moves, width=128):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_in, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU())
        self.policy = nn.Linear(width, n_moves)

    def forward(self, planes):
        return self.policy(self.body(planes))


@torch.no_grad()
def evaluate(model, examples, batch_size):
    model.eval()
    total, correct, loss_sum = 0, 0, 0.0
    for batch in batches(examples, batch_size, shuffle=False):
        logits = model(batch["planes"])
        loss_sum += F.cross_entropy(logits, batch["target"], reduction="sum").item()
        correct += (logits.argmax(-1) == batch["target"]).sum().item()
        total += batch["target"].numel()
    if total == 0:
        return float("nan"), 0.0
    return loss_sum / total, correct / total


def cmd_fit(args):
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    train_logs = make_logs(args.seed, args.games)
    val_logs = make_logs(args.seed + 1, max(4, args.games // 5))

    vocab = MoveVocab()
    train_set = build_examples(train_logs, vocab)
    n_moves = len(vocab)
    val_set = build_examples(val_logs, vocab)
    assert train_set and val_set
    print(f"train positions={len(train_set)} val positions={len(val_set)} moves={n_moves}")

    model = PolicyNet(HISTORY * 2 * 64, n_moves)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(batches(train_set, args.batch_size, shuffle=True, rng=rng)):
            logits = model(batch["planes"])
            loss = F.cross_entropy(logits, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        val_loss, val_acc = evaluate(model, val_set, args.batch_size)
        print(f"epoch {epoch} train_loss={running / (step + 1):.3f} val_loss={val_loss:.3f} val_acc={val_acc:.3f}")
    return 0


def cmd_stats(args):
    logs = make_logs(args.seed, args.games)
    vocab = MoveVocab()
    build_examples(logs, vocab)
    print(f"{len(logs)} games, {len(vocab)} distinct moves")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="movepred")
    sub = parser.add_subparsers(dest="command", required=True)
    fit = sub.add_parser("fit")
    fit.add_argument("--games", type=int, default=60)
    fit.add_argument("--epochs", type=int, default=3)
    fit.add_argument("--batch-size", type=int, default=64)
    fit.add_argument("--lr", type=float, default=1e-3)
    fit.add_argument("--seed", type=int, default=7)
    fit.set_defaults(func=cmd_fit)
    stats = sub.add_parser("stats")
    stats.add_argument("--games", type=int, default=60)
    stats.add_argument("--seed", type=int, default=7)
    stats.set_defaults(func=cmd_stats)
    return parser


def main(argv):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main(["fit", "--games", "60", "--epochs", "2"]))
