import argparse
import os
import random
import re
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SQUARES = [f + r for f in "abcdefgh" for r in "12345678"]
RESULT_TO_LABEL = {"1-0": 0, "0-1": 1, "1/2-1/2": 2}
TAG_RE = re.compile(r'^\[(\w+) "([^"]*)"\]$')


def write_pgn(path, n_games, seed):
    rng = random.Random(seed)
    results = ["1-0"] * 9 + ["0-1"] * 8 + ["1/2-1/2"] * 5 + ["*"]
    with open(path, "w") as fh:
        for g in range(n_games):
            moves = [rng.choice(SQUARES) + rng.choice(SQUARES) for _ in range(rng.randint(10, 30))]
            numbered = " ".join(f"{i // 2 + 1}. {m}" if i % 2 == 0 else m for i, m in enumerate(moves))
            res = rng.choice(results)
            fh.write(f'[Event "Club blitz"]\n[Round "{g + 1}"]\n[White "p{rng.randint(1, 40)}"]\n')
            fh.write(f'[Black "p{rng.randint(1, 40)}"]\n[Result "{res}"]\n\n{numbered} {res}\n\n')
    return path


def write_vocab(path):
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + SQUARES) + "\n")
    return path


@dataclass
class PgnGame:
    tags: dict
    moves: list


def iter_pgn(path):
    tags, body = {}, []
    with open(path) as fh:
        for raw in fh:
            line = raw.strip()
            m = TAG_RE.match(line)
            if m:
                if body:
                    yield PgnGame(tags, parse_movetext(" ".join(body)))
                    tags, body = {}, []
                tags[m.group(1)] = m.group(2)
            elif line:
                body.append(line)
    if body:
        yield PgnGame(tags, parse_movetext(" ".join(body)))


def parse_movetext(text):
    out = []
    for tok in text.split():
        if tok.endswith(".") or tok in ("1-0", "0-1", "1/2-1/2", "*"):
            continue
        assert len(tok) == 4, tok
        out.append(tok)
    return out


class OutcomeDataset(Dataset):
    def __init__(self, games, tokenizer, max_len):
        self.games = games
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.games)

    def __getitem__(self, i):
        game = self.games[i]
        text = " ".join(f"{m[:2]} {m[2:]}" for m in game.moves)
        enc = self.tok(text, truncation=True, max_length=self.max_len, padding="max_length")
        item = {k: torch.tensor(v) for k, v in enc.items()}
        item["labels"] = torch.tensor(RESULT_TO_LABEL[game.tags["Result"]])
        return item


def cmd_train(args):
    torch.manual_seed(args.seed)
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "squares_vocab.txt")))
    pgn_path = write_pgn(os.path.join(HERE, "club_games.pgn"), args.games, args.seed)
    games = list(iter_pgn(pgn_path))
    games = [g for g in games if len(g.moves) >= args.min_plies]
    assert games, "no games left after filtering"
    print(f"loaded {len(games)} games")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=args.max_len,
        num_labels=len(RESULT_TO_LABEL),
    )
    model = BertForSequenceClassification(config)
    loader = DataLoader(OutcomeDataset(games, tokenizer, args.max_len), batch_size=args.batch_size, shuffle=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)

    model.train()
    for epoch in range(args.epochs):
        total, n = 0.0, 0
        for batch in loader:
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            total += out.loss.item()
            n += 1
        print(f"epoch {epoch}: loss {total / n:.4f}")
    return 0


def cmd_count(args):
    pgn_path = write_pgn(os.path.join(HERE, "club_games.pgn"), args.games, args.seed)
    counts = {}
    for g in iter_pgn(pgn_path):
        counts[g.tags.get("Result", "?")] = counts.get(g.tags.get("Result", "?"), 0) + 1
    print(counts)
    return 0


def main(argv):
    parser = argparse.ArgumentParser(prog="pgn-outcome")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--games", type=int, default=120)
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--batch-size", type=int, default=16)
    t.add_argument("--max-len", type=int, default=64)
    t.add_argument("--min-plies", type=int, default=12)
    t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--seed", type=int, default=3)
    c = sub.add_parser("count")
    c.add_argument("--games", type=int, default=120)
    c.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    return {"train": cmd_train, "count": cmd_count}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main(["train", "--games", "120", "--epochs", "2"]))
