import argparse
import os
import random
import sys

import torch
from transformers import GPT2Config, GPT2LMHeadModel

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIAL = ["<pad>", "<bos>", "<eos>"]


class MoveVocab:
    def __init__(self):
        moves = [f"{a}-{b}" for a in range(1, 33) for b in range(1, 33) if 3 <= abs(a - b) <= 5]
        moves += [f"{a}x{b}" for a in range(1, 33) for b in range(1, 33) if 7 <= abs(a - b) <= 9]
        self.itos = SPECIAL + moves
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, line):
        ids = [self.stoi["<bos>"]]
        for tok in line.split():
            if tok not in self.stoi:
                return None
            ids.append(self.stoi[tok])
        ids.append(self.stoi["<eos>"])
        return ids


def synth_pdn(n, seed, vocab):
    rng = random.Random(seed)
    pool = vocab.itos[len(SPECIAL):]
    return [" ".join(rng.choice(pool) for _ in range(rng.randint(10, 40))) for _ in range(n)]


def make_batches(games, vocab, batch_size):
    encoded = [ids for ids in (vocab.encode(g) for g in games) if ids is not None]
    assert encoded, "nothing encoded"
    pad = vocab.stoi["<pad>"]
    for start in range(0, len(encoded), batch_size):
        chunk = encoded[start:start + batch_size]
        width = max(len(c) for c in chunk)
        ids = torch.full((len(chunk), width), pad, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for i, c in enumerate(chunk):
            ids[i, :len(c)] = torch.tensor(c)
            mask[i, :len(c)] = 1
        labels = ids.masked_fill(mask == 0, -100)
        yield {"input_ids": ids, "attention_mask": mask, "labels": labels}


def build_model(vocab, args):
    cfg = GPT2Config(vocab_size=len(vocab), n_positions=64, n_embd=args.n_embd,
                     n_layer=args.n_layer, n_head=2, resid_pdrop=args.dropout,
                     embd_pdrop=args.dropout, attn_pdrop=args.dropout,
                     bos_token_id=vocab.stoi["<bos>"], eos_token_id=vocab.stoi["<eos>"])
    return GPT2LMHeadModel(cfg)


def cmd_train(args):
    torch.manual_seed(args.seed)
    vocab = MoveVocab()
    model = build_model(vocab, args)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    games = synth_pdn(args.games, args.seed, vocab)
    model.train()
    for epoch in range(args.epochs):
        losses = [0.0]
        for batch in make_batches(games, vocab, args.batch_size):
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch}: last loss {losses[-1]:.3f}")
    os.makedirs(os.path.dirname(args.ckpt), exist_ok=True)
    torch.save(model.state_dict(), args.ckpt)
    return 0


@torch.no_grad()
def cmd_eval(args):
    if not os.path.exists(args.ckpt):
        print(f"missing checkpoint {args.ckpt}")
        return 1
    vocab = MoveVocab()
    model = build_model(vocab, args)
    model.load_state_dict(torch.load(args.ckpt))
    model.eval()
    hits, total = 0, 0
    for batch in make_batches(synth_pdn(args.games, args.seed + 1, vocab), vocab, 16):
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        pred = logits[:, :-1].argmax(-1)
        gold = batch["labels"][:, 1:]
        keep = gold != -100
        hits += (pred[keep] == gold[keep]).sum().item()
        total += keep.sum().item()
    print(f"next-move accuracy {hits / max(total, 1):.4f} on {total} moves")
    return 0


def build_parser():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--ckpt", default=os.path.join(HERE, "runs", "draughts_gpt.pt"))
    common.add_argument("--n-embd", type=int, default=32)
    common.add_argument("--n-layer", type=int, default=1)
    common.add_argument("--games", type=int, default=40)
    common.add_argument("--seed", type=int, default=11)
    parser = argparse.ArgumentParser(prog="draughts-lm")
    sub = parser.add_subparsers(dest="cmd", required=True)
    tr = sub.add_parser("train", parents=[common])
    tr.add_argument("--epochs", type=int, default=2)
    tr.add_argument("--batch-size", type=int, default=8)
    tr.add_argument("--lr", type=float, default=2e-3)
    tr.add_argument("--dropout", type=float, default=0.1)
    sub.add_parser("eval", parents=[common])
    return parser


def main(argv):
    args = build_parser().parse_args(argv)
    return {"train": cmd_train, "eval": cmd_eval}[args.cmd](args)


if __name__ == "__main__":
    rc = main(["train", "--games", "48", "--epochs", "2", "--dropout", "0.05"])
    assert rc == 0
    sys.exit(main(["eval", "--games", "16"]))
