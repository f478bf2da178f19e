import argparse
import os
import random
import sys
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = "abcdefgh"
SQUARES = [f + r for r in "12345678" for f in FILES]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass
class Config:
    max_len: int = 64
    hidden: int = 32
    batch_size: int = 8
    epochs: int = 1
    lr: float = 1e-3
    seed: int = 0


def write_vocab(path):
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + SQUARES) + "\n")
    return path


def synth_games(n, rng):
    games = []
    for _ in range(n):
        plies = rng.randint(6, 28)
        moves = [(rng.choice(SQUARES), rng.choice(SQUARES)) for _ in range(plies)]
        games.append([m for m in moves if m[0] != m[1]])
    return [g for g in games if len(g) >= 3]


def split_examples(games):
    for game in games:
        history, (src, dst) = game[:-1], game[-1]
        text = " ".join(f"{a} {b}" for a, b in history)
        yield {"text": text, "plies": len(history),
               "src": SQUARES.index(src), "dst": SQUARES.index(dst)}


def build_move_mask(plies, length):
    mask = torch.zeros(len(plies), length)
    for i, n in enumerate(plies):
        mask[i, 1:1 + 2 * n] = 1.0
    return mask


def make_collate(tokenizer, cfg):
    def collate(rows):
        enc = tokenizer([r["text"] for r in rows], padding="max_length", truncation=True,
                        max_length=cfg.max_len, return_tensors="pt")
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "move_mask": build_move_mask([r["plies"] for r in rows], cfg.max_len),
            "src": torch.tensor([r["src"] for r in rows]),
            "dst": torch.tensor([r["dst"] for r in rows]),
        }
    return collate


class NextMoveModel(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=cfg.max_len)
        self.encoder = BertModel(bert_cfg)
        self.from_head = nn.Linear(cfg.hidden, 64)
        self.to_head = nn.Linear(cfg.hidden, 64)

    def forward(self, batch):
        hidden = self.encoder(input_ids=batch["input_ids"],
                              attention_mask=batch["attention_mask"]).last_hidden_state
        weights = batch["move_mask"].unsqueeze(-1)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.from_head(pooled), self.to_head(pooled)


def run_train(args, cfg):
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "squares_vocab.txt")))
    examples = list(split_examples(synth_games(args.games, rng)))
    assert examples, "no usable games"
    loader = DataLoader(examples, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=make_collate(tokenizer, cfg))
    model = NextMoveModel(len(tokenizer), cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    ce = nn.CrossEntropyLoss()
    for epoch in range(cfg.epochs):
        running = []
        for batch in loader:
            src_logits, dst_logits = model(batch)
            loss = ce(src_logits, batch["src"]) + ce(dst_logits, batch["dst"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        print(f"epoch {epoch}: loss={sum(running) / len(running):.3f} over {len(running)} batches")
    return 0


def run_inspect(args, cfg):
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "squares_vocab.txt")))
    games = synth_games(args.games, random.Random(cfg.seed))
    if not games:
        return 1
    sample = " ".join(f"{a} {b}" for a, b in games[0])
    print(tokenizer.tokenize(sample)[:10])
    return 0


def main(argv):
    parser = argparse.ArgumentParser(prog="chess-next-move")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_train = sub.add_parser("train")
    p_train.add_argument("--games", type=int, default=80)
    p_train.add_argument("--epochs", type=int, default=1)
    p_inspect = sub.add_parser("inspect")
    p_inspect.add_argument("--games", type=int, default=4)
    args = parser.parse_args(argv)
    cfg = Config(epochs=getattr(args, "epochs", 1))
    if args.cmd == "inspect":
        return run_inspect(args, cfg)
    return run_train(args, cfg)


if __name__ == "__main__":
    main(["inspect"])
    sys.exit(main(["train", "--games", "80", "--epochs", "2"]))
