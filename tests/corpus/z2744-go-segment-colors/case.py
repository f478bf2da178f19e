import argparse
import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
BOARD = 9
COLS = "abcdefghi"
PASS = "tt"
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
COLOR_SEGMENT = {"B": 1, "W": 2}


def all_points():
    return [c + r for c in COLS for r in COLS] + [PASS]


def write_vocab(path):
    with open(path, "w") as fh:
        for tok in SPECIALS + all_points():
            fh.write(tok + "\n")
    return path


def synth_log(n_games, seed):
    rng = random.Random(seed)
    points = all_points()[:-1]
    lines = []
    for g in range(n_games):
        n = rng.randint(12, 40)
        moves = []
        for i in range(n):
            color = "B" if i % 2 == 0 else "W"
            pt = PASS if rng.random() < 0.03 else rng.choice(points)
            moves.append(f"{color}[{pt}]")
        result = rng.choice(["B+R", "W+R", "B+3.5", "W+0.5"])
        lines.append(f"g{g:04d};{result};" + ";".join(moves))
    return lines


@dataclass
class Game:
    gid: str
    result: str
    colors: list
    points: list


def parse_line(line):
    parts = line.strip().split(";")
    if len(parts) < 4:
        return None
    gid, result, *raw = parts
    colors, points = [], []
    for tok in raw:
        assert tok[1] == "[" and tok[-1] == "]", tok
        colors.append(tok[0])
        points.append(tok[2:-1])
    return Game(gid, result, colors, points)


class PrefixSampler:
    def __init__(self, games, tokenizer, seed=0):
        self.games = games
        self.tok = tokenizer
        self.rng = random.Random(seed)
        self.point_index = {p: i for i, p in enumerate(all_points())}

    def example(self, game):
        k = self.rng.randint(4, len(game.points) - 1)
        text = " ".join(game.points[:k])
        ids = self.tok(text)["input_ids"]
        assert len(ids) == k + 2, (len(ids), k)
        segs = [0] + [COLOR_SEGMENT[c] for c in game.colors[:k]] + [0]
        return ids, segs, self.point_index[game.points[k]]

    def batches(self, batch_size):
        order = list(range(len(self.games)))
        self.rng.shuffle(order)
        for start in range(0, len(order), batch_size):
            rows = [self.example(self.games[i]) for i in order[start:start + batch_size]]
            width = max(len(r[0]) for r in rows)
            pad = self.tok.pad_token_id
            yield {
                "input_ids": torch.tensor([r[0] + [pad] * (width - len(r[0])) for r in rows]),
                "token_type_ids": torch.tensor([r[1] + [0] * (width - len(r[1])) for r in rows]),
                "attention_mask": torch.tensor([[1] * len(r[0]) + [0] * (width - len(r[0])) for r in rows]),
                "labels": torch.tensor([r[2] for r in rows]),
            }


class NextMoveNet(nn.Module):
    def __init__(self, config, n_points):
        super().__init__()
        self.encoder = BertModel(config)
        self.head = nn.Linear(config.hidden_size, n_points)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                           attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0])


def build_model(tokenizer):
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=2,
    )
    return NextMoveNet(config, len(all_points()))


def cmd_train(args):
    vocab_path = write_vocab(os.path.join(HERE, "go_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path, do_lower_case=True)
    games = [g for g in map(parse_line, synth_log(args.games, args.seed)) if g is not None]
    if not games:
        print("no games parsed")
        return 1
    torch.manual_seed(args.seed)
    model = build_model(tokenizer)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    sampler = PrefixSampler(games, tokenizer, seed=args.seed)
    for epoch in range(args.epochs):
        total, steps = 0.0, 0
        for batch in sampler.batches(args.batch_size):
            labels = batch.pop("labels")
            logits = model(**batch)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            steps += 1
        print(f"epoch {epoch} loss {total / max(steps, 1):.4f}")
    return 0


def cmd_stats(args):
    games = [g for g in map(parse_line, synth_log(args.games, args.seed)) if g is not None]
    lengths = [len(g.points) for g in games]
    print(f"{len(games)} games, mean length {sum(lengths) / len(lengths):.1f}")
    return 0


def make_parser():
    p = argparse.ArgumentParser(prog="gomove")
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--games", type=int, default=64)
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--batch-size", type=int, default=16)
    t.add_argument("--lr", type=float, default=3e-4)
    t.add_argument("--seed", type=int, default=7)
    t.set_defaults(func=cmd_train)
    s = sub.add_parser("stats")
    s.add_argument("--games", type=int, default=64)
    s.add_argument("--seed", type=int, default=7)
    s.set_defaults(func=cmd_stats)
    return p


if __name__ == "__main__":
    argv = ["train", "--games", "48", "--epochs", "2", "--batch-size", "8"]
    args = make_parser().parse_args(argv)
    raise SystemExit(args.func(args))
