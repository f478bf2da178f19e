import random
from dataclasses import dataclass

import torch
import torch.nn as nn

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
SPECIALS = ["<pad>", "<bos>", "<eos>"]
CHARS = sorted(set("0123456789-/ " + "".join(MONTHS)))
VOCAB = SPECIALS + CHARS
STOI = {c: i for i, c in enumerate(VOCAB)}
PAD, BOS, EOS = 0, 1, 2


@dataclass
class Config:
    emb_dim: int = 32
    hidden: int = 64
    batch_size: int = 32
    epochs: int = 1
    lr: float = 2e-3
    n_pairs: int = 128


def random_date_pair(rng):
    y, m, d = rng.randint(1950, 2030), rng.randint(1, 12), rng.randint(1, 28)
    fmt = rng.choice(["{d} {mon} {y}", "{m}/{d}/{y}", "{mon} {d} {y}"])
    src = fmt.format(d=d, m=m, y=y, mon=MONTHS[m - 1])
    tgt = f"{y:04d}-{m:02d}-{d:02d}"
    return src, tgt


def encode(text):
    return [STOI[c] for c in text]


def build_batch(pairs):
    src_ids = [encode(s) + [EOS] for s, _ in pairs]
    tgt_ids = [[BOS] + encode(t) + [EOS] for _, t in pairs]
    src = torch.full((len(pairs), max(map(len, src_ids))), PAD, dtype=torch.long)
    tgt = torch.full((len(pairs), max(map(len, tgt_ids))), PAD, dtype=torch.long)
    for i, (s, t) in enumerate(zip(src_ids, tgt_ids)):
        src[i, : len(s)] = torch.tensor(s)
        tgt[i, : len(t)] = torch.tensor(t)
    dec_inp = tgt[:, :-1]
    gold = tgt[:, 1:]
    return src, dec_inp, gold


class DateSeq2Seq(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, cfg.emb_dim, padding_idx=PAD)
        self.encoder = nn.GRU(cfg.emb_dim, cfg.hidden, batch_first=True)
        self.decoder = nn.GRU(cfg.emb_dim, cfg.hidden, batch_first=True)
        self.proj = nn.Linear(cfg.hidden, vocab_size)

    def forward(self, src, dec_inp):
        _, h = self.encoder(self.embed(src))
        out, _ = self.decoder(self.embed(dec_inp), h)
        return self.proj(out)


def train(cfg):
    rng = random.Random(7)
    pairs = [random_date_pair(rng) for _ in range(cfg.n_pairs)]
    model = DateSeq2Seq(cfg, len(VOCAB))
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD)

    for epoch in range(cfg.epochs):
        rng.shuffle(pairs)
        total, steps = 0.0, 0
        for i in range(0, len(pairs), cfg.batch_size):
            src, dec_inp, gold = build_batch(pairs[i : i + cfg.batch_size])
            logits = model(src, dec_inp)
            loss = criterion(logits.reshape(-1, logits.size(-1)), gold.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total += loss.item()
            steps += 1
        print(f"epoch {epoch + 1}/{cfg.epochs} loss {total / steps:.4f}")
    return model


if __name__ == "__main__":
    torch.manual_seed(0)
    train(Config())
