"""Classify seismic station maintenance log lines with a small BERT-style encoder (plain PyTorch)."""
import argparse
import math
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

CODES = ["telemetry_gap", "mass_recenter", "calibration", "power"]
LOG = [
    ("datalogger lost link to hub for forty minutes", 0), ("no packets received from vsat since midnight", 0),
    ("telemetry dropout during storm link restored", 0), ("radio link down data backfilled from card", 0),
    ("mass position out of range recenter issued", 1), ("vertical mass drifted sent recenter command", 1),
    ("recenter masses after temperature swing", 1), ("horizontal mass position high recentered", 1),
    ("calibration pulse sent response nominal", 2), ("sine calibration run on all channels", 2),
    ("step calibration shows gain drop on east", 2), ("battery voltage low solar panel dirty", 3),
    ("charge controller replaced battery swapped", 3), ("power outage at vault generator started", 3),
    ("solar regulator fault voltage dropping", 3), ("calibration coil checked after service", 2),
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]"]


class WordVocab:
    def __init__(self, lines):
        words = sorted({w for line, _ in lines for w in line.split()})
        self.itos = SPECIALS + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, line):
        return torch.tensor([2] + [self.stoi.get(w, 1) for w in line.split()])


class TinyEncoder(nn.Module):
    def __init__(self, vocab_size, d_model, heads, layers, n_codes, max_len, **_):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos = nn.Embedding(max_len, d_model)
        block = nn.TransformerEncoderLayer(d_model, heads, d_model * 2, dropout=0.1, batch_first=True)
        self.body = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, n_codes)

    def forward(self, ids, pad):
        positions = torch.arange(ids.size(1), device=ids.device)
        h = self.tok(ids) * math.sqrt(self.tok.embedding_dim) + self.pos(positions)
        h = self.body(h, src_key_padding_mask=pad)
        return self.head(h[:, 0])


def batches(rows, vocab, size, shuffle=False):
    order = list(range(len(rows)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [rows[i] for i in order[start:start + size]]
        ids = pad_sequence([vocab.encode(t) for t, _ in chunk], batch_first=True, padding_value=0)
        yield {"ids": ids, "pad": ids.eq(0)}, torch.tensor([c for _, c in chunk])


def cmd_train(args):
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    vocab = WordVocab(LOG)
    net = TinyEncoder(vocab_size=len(vocab.itos), n_codes=len(CODES), **vars(args))
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    for epoch in range(1, args.epochs + 1):
        net.train()
        total = 0.0
        for feats, codes in batches(LOG, vocab, args.batch_size, shuffle=True):
            loss = F.cross_entropy(net(**feats), codes)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(codes)
        print(f"epoch {epoch}: loss {total / len(LOG):.4f}")
    hparams = {k: v for k, v in vars(args).items() if k != "func"}
    torch.save({"state": net.state_dict(), "hparams": hparams | {"vocab": vocab.itos}}, args.ckpt)


def cmd_evaluate(args):
    blob = torch.load(args.ckpt)
    hp = blob["hparams"]
    vocab = WordVocab(LOG)
    assert vocab.itos == hp["vocab"], "vocabulary changed since training"
    net = TinyEncoder(vocab_size=len(vocab.itos), n_codes=len(CODES), **hp)
    net.load_state_dict(blob["state"])
    net.eval()
    predicted, gold = [], []
    with torch.no_grad():
        for feats, codes in batches(LOG, vocab, args.eval_batch_size):
            predicted.append(net(**feats).argmax(dim=-1))
            gold.append(codes)
    predicted = torch.cat(predicted)
    gold = torch.cat(gold)
    accuracy = (predicted == gold).float().mean().item()
    print(f"accuracy on {len(gold)} log lines: {accuracy:.3f}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="seislog")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train")
    train.add_argument("--ckpt", default="seislog.pt")
    train.add_argument("--d-model", type=int, default=32)
    train.add_argument("--heads", type=int, default=2)
    train.add_argument("--layers", type=int, default=1)
    train.add_argument("--max-len", type=int, default=64)
    train.add_argument("--epochs", type=int, default=6)
    train.add_argument("--batch-size", type=int, default=4)
    train.add_argument("--lr", type=float, default=1e-3)
    train.add_argument("--seed", type=int, default=11)
    train.set_defaults(func=cmd_train)
    evaluate = sub.add_parser("evaluate")
    evaluate.add_argument("--ckpt", default="seislog.pt")
    evaluate.add_argument("--eval-batch-size", type=int, default=8)
    evaluate.set_defaults(func=cmd_evaluate)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    ckpt = os.path.join(tempfile.mkdtemp(), "seislog.pt")
    main(["train", "--ckpt", ckpt, "--max-len", "32", "--epochs", "8"])
    main(["evaluate", "--ckpt", ckpt])
