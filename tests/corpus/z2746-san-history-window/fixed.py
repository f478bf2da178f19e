import argparse
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

MAX_PLIES = 64
PAD, BOS = "<pad>", "<bos>"


def synth_pgn_games(n, seed):
    rng = random.Random(seed)
    squares = [f + r for f in "abcdefgh" for r in "12345678"]
    games = []
    for _ in range(n):
        plies = []
        for _ in range(rng.randint(20, 110)):
            piece = rng.choice(["", "", "", "N", "B", "R", "Q", "K"])
            capture = "x" if rng.random() < 0.2 else ""
            if piece == "" and capture:
                piece = rng.choice("abcdefgh")
            check = "+" if rng.random() < 0.08 else ""
            plies.append(piece + capture + rng.choice(squares) + check)
        numbered = []
        for i in range(0, len(plies), 2):
            numbered.append(f"{i // 2 + 1}." + " ".join(plies[i:i + 2]))
        games.append(" ".join(numbered) + " " + rng.choice(["1-0", "0-1", "1/2-1/2"]))
    return games


def strip_move_numbers(pgn):
    out = []
    for tok in pgn.split():
        if tok in ("1-0", "0-1", "1/2-1/2"):
            break
        if "." in tok:
            tok = tok.split(".", 1)[1]
            if not tok:
                continue
        out.append(tok)
    return out


@dataclass
class Vocab:
    itos: list = field(default_factory=lambda: [PAD, BOS])

    def __post_init__(self):
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def add(self, tok):
        if tok not in self.stoi:
            self.stoi[tok] = len(self.itos)
            self.itos.append(tok)
        return self.stoi[tok]

    def __len__(self):
        return len(self.itos)


class NextPlyDataset(Dataset):
    def __init__(self, games, vocab, seed=0):
        rng = random.Random(seed)
        self.items = []
        for moves in games:
            ids = [vocab.add(m) for m in moves]
            for _ in range(4):
                k = rng.randint(1, len(ids) - 1)
                self.items.append((ids[:k], ids[k]))
        self.bos = vocab.stoi[BOS]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        history, target = self.items[i]
        window = [self.bos] + history[-(MAX_PLIES - 1):]
        return torch.tensor(window), target


def collate(batch):
    seqs, targets = zip(*batch)
    ids = pad_sequence(seqs, batch_first=True, padding_value=0)
    lengths = torch.tensor([len(s) for s in seqs])
    return ids, lengths, torch.tensor(targets)


@dataclass
class ModelCfg:
    vocab_size: int
    dim: int = 32
    heads: int = 2
    layers: int = 1
    max_plies: int = MAX_PLIES


class PlyTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok = nn.Embedding(cfg.vocab_size, cfg.dim, padding_idx=0)
        self.pos = nn.Embedding(cfg.max_plies, cfg.dim)
        layer = nn.TransformerEncoderLayer(cfg.dim, cfg.heads, 2 * cfg.dim, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, cfg.layers)
        self.head = nn.Linear(cfg.dim, cfg.vocab_size)

    def forward(self, ids, lengths):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        pad_mask = ids == 0
        h = self.enc(h, src_key_padding_mask=pad_mask)
        last = h[torch.arange(ids.size(0)), lengths - 1]
        return self.head(last)


def train(args):
    games = [strip_move_numbers(g) for g in synth_pgn_games(args.games, args.seed)]
    games = [g for g in games if len(g) >= 2]
    assert games, "empty corpus"
    vocab = Vocab()
    ds = NextPlyDataset(games, vocab, seed=args.seed)
    loader = DataLoader(ds, batch_size=args.batch_size, shuffle=True, collate_fn=collate,
                        generator=torch.Generator().manual_seed(args.seed))
    torch.manual_seed(args.seed)
    model = PlyTransformer(ModelCfg(vocab_size=len(vocab)))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    crit = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        running = 0.0
        for ids, lengths, target in loader:
            loss = crit(model(ids, lengths), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(target)
        print(f"[epoch {epoch}] loss={running / len(ds):.3f} vocab={len(vocab)}")


def show(args):
    for g in synth_pgn_games(args.games, args.seed)[:3]:
        print(strip_move_numbers(g)[:10])


def parse(argv):
    ap = argparse.ArgumentParser(prog="ply")
    sp = ap.add_subparsers(dest="cmd", required=True)
    t = sp.add_parser("train")
    t.add_argument("--games", type=int, default=80)
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument("--lr", type=float, default=2e-3)
    t.add_argument("--seed", type=int, default=11)
    s = sp.add_parser("show")
    s.add_argument("--games", type=int, default=3)
    s.add_argument("--seed", type=int, default=11)
    return ap.parse_args(argv)


if __name__ == "__main__":
    args = parse(["train", "--games", "60", "--epochs", "2"])
    if args.cmd == "show":
        show(args)
    else:
        train(args)
