import argparse
import os
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

BOARD = 9
COORDS = [a + b for a in "abcdefghi" for b in "abcdefghi"]
PASS = "tt"
MOVE_CLASSES = COORDS + [PASS]
FEATURE_KEYS = ["to_play", "move_frac", "black_caps", "white_caps"]
HERE = os.path.dirname(os.path.abspath(__file__))


def write_vocab(path):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ";", "[", "]", "b", "w"] + MOVE_CLASSES
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def synth_sgf(rng, n_moves):
    parts = []
    for i in range(n_moves):
        color = "B" if i % 2 == 0 else "W"
        coord = PASS if rng.random() < 0.03 else rng.choice(COORDS)
        parts.append(f";{color}[{coord}]")
    return "".join(parts), rng.randint(0, 6), rng.randint(0, 6)


def parse_sgf(text):
    moves = []
    for node in text.split(";"):
        if not node:
            continue
        assert node[1] == "[" and node.endswith("]"), node
        moves.append((node[0].lower(), node[2:-1]))
    return moves


class GoPositions(Dataset):
    def __init__(self, records, context=12):
        self.items = []
        for sgf, bcap, wcap in records:
            moves = parse_sgf(sgf)
            for i in range(4, len(moves)):
                window = moves[max(0, i - context):i]
                text = "".join(f";{c}[{m}]" for c, m in window)
                feats = {
                    "to_play": 1.0 if moves[i][0] == "b" else 0.0,
                    "move_frac": i / len(moves),
                    "black_caps": bcap / 10.0,
                    "white_caps": wcap / 10.0,
                }
                self.items.append((text, feats, MOVE_CLASSES.index(moves[i][1])))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def make_collate(tokenizer, max_len):
    def collate(rows):
        texts, feats, labels = zip(*rows)
        enc = tokenizer(list(texts), padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        enc["game_feats"] = torch.tensor([[f[k] for k in FEATURE_KEYS] for f in feats])
        enc["labels"] = torch.tensor(labels)
        return enc
    return collate


class MovePolicy(nn.Module):
    def __init__(self, config, n_extra=3, n_moves=len(MOVE_CLASSES)):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Sequential(
            nn.Linear(config.hidden_size + n_extra, 64),
            nn.GELU(),
            nn.Linear(64, n_moves),
        )

    def forward(self, input_ids, attention_mask, token_type_ids, game_feats):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        cls = out.last_hidden_state[:, 0]
        return self.head(torch.cat([cls, game_feats], dim=-1))


def run_train(args):
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "go_vocab.txt")))
    rng = random.Random(args.seed)
    records = [synth_sgf(rng, rng.randint(20, 50)) for _ in range(args.games)]
    ds = GoPositions(records)
    if len(ds) == 0:
        print("no positions")
        return 1
    loader = DataLoader(ds, batch_size=args.batch_size, shuffle=True, collate_fn=make_collate(tokenizer, 64))

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    model = MovePolicy(config, n_extra=len(FEATURE_KEYS))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()

    model.train()
    for epoch in range(args.epochs):
        seen, total = 0, 0.0
        for step, batch in enumerate(loader):
            labels = batch.pop("labels")
            logits = model(**batch)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * labels.size(0)
            seen += labels.size(0)
            if step >= args.max_steps:
                break
        print(f"epoch {epoch}: loss {total / seen:.4f}")
    return 0


def run_inspect(args):
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "go_vocab.txt")))
    rng = random.Random(args.seed)
    sgf, _, _ = synth_sgf(rng, 6)
    print(sgf)
    print(tokenizer.tokenize(sgf))
    return 0


def main(argv):
    parser = argparse.ArgumentParser(prog="gopolicy")
    sub = parser.add_subparsers(dest="cmd")
    tr = sub.add_parser("train")
    tr.add_argument("--games", type=int, default=40)
    tr.add_argument("--epochs", type=int, default=2)
    tr.add_argument("--batch-size", type=int, default=16)
    tr.add_argument("--max-steps", type=int, default=30)
    tr.add_argument("--lr", type=float, default=3e-4)
    tr.add_argument("--seed", type=int, default=0)
    ins = sub.add_parser("inspect")
    ins.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.cmd is None:
        parser.print_help()
        return 2
    handlers = {"train": run_train, "inspect": run_inspect}
    return handlers[args.cmd](args)


if __name__ == "__main__":
    raise SystemExit(main(["train", "--games", "40", "--epochs", "2"]))
