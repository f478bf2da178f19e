import argparse
import random
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FILES = "abcdefgh"
RANKS = "12345678"
SQUARES = [f + r for r in RANKS for f in FILES]
SQ_INDEX = {s: i for i, s in enumerate(SQUARES)}
NUM_MOVES = 64 * 64
BOS = NUM_MOVES


def uci_to_id(move):
    assert len(move) in (4, 5), move
    return SQ_INDEX[move[:2]] * 64 + SQ_INDEX[move[2:4]]


def random_uci(rng):
    a, b = rng.sample(SQUARES, 2)
    return a + b


def fake_records(n, seed):
    rng = random.Random(seed)
    for _ in range(n):
        history = [random_uci(rng) for _ in range(rng.randint(3, 24))]
        legal = {random_uci(rng) for _ in range(rng.randint(8, 30))}
        nxt = rng.choice(sorted(legal))
        yield "moves=" + " ".join(history) + "|legal=" + ",".join(sorted(legal)) + "|next=" + nxt


def parse_record(line):
    fields = dict(part.split("=", 1) for part in line.split("|"))
    if "next" not in fields:
        return None
    history = [uci_to_id(m) for m in fields["moves"].split()]
    legal = [uci_to_id(m) for m in fields["legal"].split(",")]
    target = uci_to_id(fields["next"])
    assert target in legal
    return history, legal, target


def make_batcher(num_moves, batch_size):
    def batches(records):
        buf = []
        for rec in records:
            buf.append(rec)
            if len(buf) == batch_size:
                yield collate(buf)
                buf = []
        if buf:
            yield collate(buf)

    def collate(rows):
        width = max(len(h) for h, _, _ in rows) + 1
        ids = torch.full((len(rows), width), BOS, dtype=torch.long)
        lengths = torch.zeros(len(rows), dtype=torch.long)
        illegal = torch.ones(len(rows), num_moves)
        targets = torch.empty(len(rows), dtype=torch.long)
        for i, (hist, legal, tgt) in enumerate(rows):
            seq = [BOS] + hist
            ids[i, :len(seq)] = torch.tensor(seq)
            lengths[i] = len(seq)
            illegal[i, legal] = 0
            targets[i] = tgt
        return {"ids": ids, "lengths": lengths, "illegal": illegal, "target": targets}

    return batches


class MovePolicy(nn.Module):
    def __init__(self, num_moves, dim=48):
        super().__init__()
        self.embed = nn.Embedding(num_moves + 1, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, num_moves)

    def forward(self, ids, lengths, illegal):
        x = self.embed(ids)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.rnn(packed)
        logits = self.out(h[-1])
        return logits.masked_fill(illegal, float("-inf"))


def run_train(args):
    torch.manual_seed(args.seed)
    model = MovePolicy(NUM_MOVES)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    batcher = make_batcher(NUM_MOVES, args.batch_size)
    history = []
    for epoch in range(args.epochs):
        records = filter(None, map(parse_record, fake_records(args.n, args.seed + epoch)))
        for batch in batcher(records):
            logits = model(batch["ids"], batch["lengths"], batch["illegal"])
            loss = F.cross_entropy(logits, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            history.append(loss.item())
        print(f"epoch {epoch}: mean loss {np.mean(history[-10:]):.3f}")
    return 0


def run_inspect(args):
    for line in fake_records(args.n, args.seed):
        rec = parse_record(line)
        if rec is None:
            continue
        print(len(rec[0]), "plies,", len(rec[1]), "legal")
    return 0


COMMANDS = {"train": run_train, "inspect": run_inspect}


def main(argv):
    parser = argparse.ArgumentParser(prog="chess-policy")
    sub = parser.add_subparsers(dest="cmd", required=True)
    tr = sub.add_parser("train")
    tr.add_argument("--n", type=int, default=200)
    tr.add_argument("--epochs", type=int, default=2)
    tr.add_argument("--batch-size", type=int, default=32)
    tr.add_argument("--lr", type=float, default=1e-3)
    tr.add_argument("--seed", type=int, default=0)
    ins = sub.add_parser("inspect")
    ins.add_argument("--n", type=int, default=5)
    ins.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    return COMMANDS[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main(["train", "--n", "160", "--epochs", "2", "--batch-size", "16"]))
