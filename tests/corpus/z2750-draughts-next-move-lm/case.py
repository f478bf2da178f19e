import argparse
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

PAD, BOS, EOS = 0, 1, 2
SPECIALS = ["<pad>", "<bos>", "<eos>"]


@dataclass
class TrainConfig:
    n_games: int = 80
    max_plies: int = 40
    d_model: int = 48
    n_heads: int = 4
    n_layers: int = 2
    batch_size: int = 8
    epochs: int = 1
    lr: float = 5e-4
    seed: int = 11
    extra: dict = field(default_factory=dict)


def neighbours(sq):
    row, col = divmod(sq - 1, 4)
    shift = 0 if row % 2 == 0 else -1
    out = []
    for dr in (-1, 1):
        r = row + dr
        if not 0 <= r < 8:
            continue
        for dc in (shift, shift + 1):
            c = col + dc
            if 0 <= c < 4:
                out.append(r * 4 + c + 1)
    return out


def synth_pdn(rng, n_plies):
    moves = []
    for _ in range(n_plies):
        src = rng.randint(1, 32)
        dst = rng.choice(neighbours(src))
        sep = "x" if rng.random() < 0.15 else "-"
        moves.append(f"{src}{sep}{dst}")
    return " ".join(moves)


def game_stream(rng, cfg):
    for _ in range(cfg.n_games):
        yield synth_pdn(rng, rng.randint(12, cfg.max_plies))


class MoveTable:
    def __init__(self, games):
        seen = sorted({mv for g in games for mv in g.split()})
        self.itos = SPECIALS + seen
        self.stoi = {m: i for i, m in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def ids(self, game):
        return [BOS] + [self.stoi[m] for m in game.split()] + [EOS]


class GameCorpus(Dataset):
    def __init__(self, games, table):
        self.rows = [torch.tensor(table.ids(g), dtype=torch.long) for g in games]
        assert all(len(r) >= 3 for r in self.rows)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def collate(seqs):
    padded = pad_sequence(seqs, batch_first=True, padding_value=PAD)
    return {"inputs": padded[:, :-1], "targets": padded[:, 1:], "mask": padded[:, :-1] == PAD}


class NextMoveModel(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, cfg.d_model, padding_idx=PAD)
        self.pos = nn.Embedding(cfg.max_plies + 2, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 4 * cfg.d_model, dropout=0.1, batch_first=True)
        self.blocks = nn.TransformerEncoder(layer, cfg.n_layers)
        self.out = nn.Linear(cfg.d_model, vocab_size)

    def forward(self, inputs, mask):
        t = inputs.size(1)
        pos = torch.arange(t, device=inputs.device).unsqueeze(0)
        causal = torch.triu(torch.ones(t, t, dtype=torch.bool, device=inputs.device), diagonal=1)
        h = self.tok(inputs) + self.pos(pos)
        h = self.blocks(h, mask=causal, src_key_padding_mask=mask, is_causal=True)
        return F.log_softmax(self.out(h), dim=-1)


def train(cfg):
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    games = list(game_stream(rng, cfg))
    table = MoveTable(games)
    corpus = GameCorpus(games, table)
    loader = DataLoader(corpus, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    model = NextMoveModel(len(table), cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    print(f"{len(corpus)} games, {len(table)} move tokens")

    for epoch in range(cfg.epochs):
        model.train()
        losses = []
        for batch in loader:
            logp = model(batch["inputs"], batch["mask"])
            loss = F.nll_loss(logp, batch["targets"], ignore_index=PAD)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: nll {sum(losses) / len(losses):.3f}")
    return model, table


@torch.no_grad()
def sample(model, table, n_plies, seed):
    g = torch.Generator().manual_seed(seed)
    model.eval()
    seq = [BOS]
    for _ in range(n_plies):
        x = torch.tensor([seq])
        logp = model(x, x == PAD)[0, -1]
        nxt = torch.multinomial(logp.exp(), 1, generator=g).item()
        if nxt == EOS:
            break
        seq.append(nxt)
    return " ".join(table.itos[i] for i in seq[1:])


def main(argv):
    ap = argparse.ArgumentParser(prog="draughts-lm")
    sub = ap.add_subparsers(dest="action", required=True)
    p_train = sub.add_parser("train")
    p_train.add_argument("--games", type=int, default=80)
    p_train.add_argument("--epochs", type=int, default=1)
    p_sample = sub.add_parser("sample")
    p_sample.add_argument("--plies", type=int, default=10)
    args = ap.parse_args(argv)

    cfg = TrainConfig()
    if args.action == "train":
        cfg.n_games, cfg.epochs = args.games, args.epochs
        train(cfg)
        return 0
    model, table = train(cfg)
    print(sample(model, table, args.plies, cfg.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(["sample", "--plies", "12"]))
