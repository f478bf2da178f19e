import argparse
import os
import random

import torch
from transformers import GPT2Config, GPT2LMHeadModel

HERE = os.path.dirname(os.path.abspath(__file__))
LETTERS = "ABCDEFGHJ"
SIZE = 9
SPECIAL = ["<pad>", "<start>", "pass"]


class MoveCodec:
    def __init__(self):
        self.itos = SPECIAL + [f"{c}{r}" for c in LETTERS for r in range(1, SIZE + 1)]
        self.stoi = {m: i for i, m in enumerate(self.itos)}

    def encode(self, moves):
        return [self.stoi["<start>"]] + [self.stoi[m] for m in moves]

    def decode(self, idx):
        return self.itos[idx]

    def __len__(self):
        return len(self.itos)


def gtp_log(n_games, seed):
    rng = random.Random(seed)
    points = [f"{c}{r}" for c in LETTERS for r in range(1, SIZE + 1)]
    for g in range(n_games):
        played = set()
        lines = [f"# game {g}"]
        color = "b"
        for _ in range(rng.randint(10, 50)):
            free = [p for p in points if p not in played]
            if not free or rng.random() < 0.04:
                mv = "pass"
            else:
                mv = rng.choice(free)
                played.add(mv)
            lines.append(f"play {color} {mv}")
            color = "w" if color == "b" else "b"
        yield "\n".join(lines)


def read_game(block):
    moves = []
    for line in block.splitlines():
        if not line.startswith("play "):
            continue
        _, color, mv = line.split()
        assert color in ("b", "w")
        moves.append(mv if mv == "pass" else mv.upper())
    return moves


def padded_batches(seqs, batch_size, pad_id):
    for i in range(0, len(seqs), batch_size):
        chunk = seqs[i:i + batch_size]
        width = max(map(len, chunk))
        ids = torch.full((len(chunk), width), pad_id)
        mask = torch.zeros(len(chunk), width, dtype=torch.long)
        for r, s in enumerate(chunk):
            ids[r, :len(s)] = torch.tensor(s)
            mask[r, :len(s)] = 1
        labels = ids.masked_fill(mask == 0, -100)
        yield {"input_ids": ids, "attention_mask": mask, "labels": labels}


def build_model(codec):
    cfg = GPT2Config(vocab_size=len(codec), n_positions=64, n_embd=32, n_layer=1, n_head=2,
                     bos_token_id=1, eos_token_id=1, pad_token_id=0)
    return GPT2LMHeadModel(cfg)


def cmd_train(args, state):
    codec = MoveCodec()
    seqs = [codec.encode(read_game(b)) for b in gtp_log(args.games, args.seed)]
    seqs = [s for s in seqs if len(s) > 2]
    if not seqs:
        return 1
    torch.manual_seed(args.seed)
    model = build_model(codec)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    model.train()
    for epoch in range(args.epochs):
        losses = []
        for batch in padded_batches(seqs, args.batch_size, pad_id=0):
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch}: {sum(losses) / len(losses):.3f}")
    path = os.path.join(HERE, args.out)
    torch.save(model.state_dict(), path)
    state["checkpoint"] = path
    return 0


def cmd_predict(args, state):
    codec = MoveCodec()
    model = build_model(codec)
    model.load_state_dict(torch.load(state.get("checkpoint", os.path.join(HERE, args.ckpt))))
    model.eval()
    opening = args.moves.split(",")
    ids = torch.tensor([codec.encode(opening)])
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0, -1]
    top = torch.topk(logits.softmax(-1), k=args.top_k)
    for p, i in zip(top.values.tolist(), top.indices.tolist()):
        print(f"  {codec.decode(i):>5s}  {p:.3f}")
    return 0


def make_cli():
    cli = argparse.ArgumentParser(prog="gtp-lm")
    sub = cli.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("train")
    tr.add_argument("--games", type=int, default=100)
    tr.add_argument("--epochs", type=int, default=2)
    tr.add_argument("--batch-size", type=int, default=16)
    tr.add_argument("--lr", type=float, default=5e-4)
    tr.add_argument("--seed", type=int, default=3)
    tr.add_argument("--out", default="gtp_lm.pt")
    tr.set_defaults(handler=cmd_train)
    pr = sub.add_parser("predict")
    pr.add_argument("--ckpt", default="gtp_lm.pt")
    pr.add_argument("--moves", required=True)
    pr.add_argument("--top-k", type=int, default=5)
    return cli


PIPELINE = [
    ["train", "--games", "80", "--epochs", "2"],
    ["predict", "--moves", "E5,C3,G7", "--top-k", "3"],
]

if __name__ == "__main__":
    cli = make_cli()
    state = {}
    for argv in PIPELINE:
        args = cli.parse_args(argv)
        print(">>", " ".join(argv))
        rc = args.handler(args, state)
        assert rc == 0, f"{argv[0]} failed with {rc}"
