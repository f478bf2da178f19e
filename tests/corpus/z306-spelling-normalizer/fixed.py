"""Character-level normaliser: early-modern English spellings -> modern spellings.

Trained on a synthetic parish-register word list (e.g. "haue" -> "have",
"vpon" -> "upon"). GRU encoder/decoder with teacher forcing.
"""
import argparse
import random

import torch
import torch.nn as nn

PAD, BOS, EOS = 0, 1, 2
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
CHAR2ID = {c: i + 3 for i, c in enumerate(ALPHABET)}
VOCAB = len(CHAR2ID) + 3

RULES = [("v", "u"), ("u", "v"), ("ie", "y"), ("e", ""), ("ck", "k")]


def archaise(word, rng):
    out = word
    for old, new in RULES:
        if new and new in out and rng.random() < 0.5:
            out = out.replace(new, old, 1)
    if rng.random() < 0.4:
        out = out + "e"
    return out


def make_pairs(n, rng):
    pairs = []
    for _ in range(n):
        length = rng.randint(3, 9)
        modern = "".join(rng.choice(ALPHABET) for _ in range(length))
        pairs.append((archaise(modern, rng), modern))
    return pairs


def encode(word, max_len):
    ids = [BOS] + [CHAR2ID[c] for c in word] + [EOS]
    ids = ids[:max_len]
    return ids + [PAD] * (max_len - len(ids))


def to_tensors(pairs, max_len):
    src = torch.tensor([encode(a, max_len) for a, _ in pairs])
    tgt = torch.tensor([encode(m, max_len) for _, m in pairs])
    return src, tgt


class Normaliser(nn.Module):
    def __init__(self, vocab, emb, hidden):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.encoder = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden, hidden)
        self.decoder = nn.GRU(emb, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, src, dec_in):
        _, h = self.encoder(self.embed(src))
        h0 = torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=-1))).unsqueeze(0)
        dec_states, _ = self.decoder(self.embed(dec_in), h0)
        return self.out(dec_states)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-pairs", type=int, default=128)
    parser.add_argument("--max-len", type=int, default=14)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=2e-3)
    args = parser.parse_args()

    rng = random.Random(11)
    torch.manual_seed(11)
    src_all, tgt_all = to_tensors(make_pairs(args.n_pairs, rng), args.max_len)

    model = Normaliser(VOCAB, emb=32, hidden=64)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD)
    optim = torch.optim.Adam(model.parameters(), lr=args.lr)

    for epoch in range(args.epochs):
        perm = torch.randperm(src_all.size(0))
        running = 0.0
        for start in range(0, src_all.size(0), args.batch_size):
            idx = perm[start:start + args.batch_size]
            src, tgt_ids = src_all[idx], tgt_all[idx]
            dec_in = tgt_ids[:, :-1]

            logits = model(src, dec_in)
            loss = criterion(logits.reshape(-1, VOCAB), tgt_ids[:, 1:].reshape(-1))

            optim.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            running += loss.item()
        print(f"epoch {epoch + 1}: loss {running / (src_all.size(0) // args.batch_size):.3f}")


if __name__ == "__main__":
    main()
