#!/usr/bin/env python
"""Normalise 17th/18th-century parish-register surname spellings to modern forms.

Character-level GRU encoder-decoder with teacher forcing.  The historical spellings
are simulated from modern names with a handful of scribal substitution rules.
"""
import argparse
import random

import torch
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--n-pairs", type=int, default=128)
parser.add_argument("--emb", type=int, default=32)
parser.add_argument("--hid", type=int, default=64)
parser.add_argument("--batch", type=int, default=32)
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--lr", type=float, default=2e-3)
parser.add_argument("--seed", type=int, default=3)
args = parser.parse_args()

random.seed(args.seed)
torch.manual_seed(args.seed)

SYLLABLES = ["ash", "ford", "wood", "hal", "smith", "ton", "well", "brook", "mar", "sh", "cot", "by", "ley", "ing"]
SCRIBAL_RULES = [("i", "y"), ("k", "ck"), ("ey", "ay"), ("f", "ff"), ("wood", "wode"), ("well", "welle"), ("sh", "sch")]

PAD, BOS, EOS = "<pad>", "<s>", "</s>"
alphabet = sorted(set("".join(SYLLABLES) + "".join(o for _, o in SCRIBAL_RULES)))
itos = [PAD, BOS, EOS] + alphabet
stoi = {c: i for i, c in enumerate(itos)}
PAD_ID, BOS_ID, EOS_ID = stoi[PAD], stoi[BOS], stoi[EOS]


def modern_name():
    return "".join(random.choice(SYLLABLES) for _ in range(random.randint(2, 3)))


def archaic_spelling(name):
    for modern, old in SCRIBAL_RULES:
        if modern in name and random.random() < 0.5:
            name = name.replace(modern, old)
    return name


pairs = []
for _ in range(args.n_pairs):
    m = modern_name()
    pairs.append((archaic_spelling(m), m))


def to_ids(word, add_bos):
    ids = [stoi[c] for c in word] + [EOS_ID]
    return [BOS_ID] + ids if add_bos else ids


def pad_to(seqs):
    width = max(len(s) for s in seqs)
    return torch.tensor([s + [PAD_ID] * (width - len(s)) for s in seqs], dtype=torch.long)


def make_batch(chunk):
    src = pad_to([to_ids(old, add_bos=False) for old, _ in chunk])
    tgt = pad_to([to_ids(new, add_bos=True) for _, new in chunk])
    dec_in = tgt[:, :-1]
    dec_target = tgt[:, 1:]
    return src, dec_in, dec_target


class Normaliser(nn.Module):
    def __init__(self, vocab, emb, hid):
        super().__init__()
        self.src_emb = nn.Embedding(vocab, emb, padding_idx=PAD_ID)
        self.tgt_emb = nn.Embedding(vocab, emb, padding_idx=PAD_ID)
        self.encoder = nn.GRU(emb, hid, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hid, hid)
        self.decoder = nn.GRU(emb, hid, batch_first=True)
        self.out = nn.Linear(hid, vocab)

    def forward(self, src, dec_in):
        _, h = self.encoder(self.src_emb(src))
        h0 = torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=-1))).unsqueeze(0)
        dec_states, _ = self.decoder(self.tgt_emb(dec_in), h0)
        return self.out(dec_states)


model = Normaliser(len(itos), args.emb, args.hid)
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
criterion = nn.CrossEntropyLoss(ignore_index=PAD_ID)

split = int(0.9 * len(pairs))
train_pairs, dev_pairs = pairs[:split], pairs[split:]

for epoch in range(args.epochs):
    random.shuffle(train_pairs)
    model.train()
    total, n_batches = 0.0, 0
    for i in range(0, len(train_pairs), args.batch):
        src, dec_in, dec_target = make_batch(train_pairs[i:i + args.batch])
        logits = model(src, dec_in)
        loss = criterion(logits.reshape(-1, logits.size(-1)), dec_target.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        total += loss.item()
        n_batches += 1

    model.eval()
    with torch.no_grad():
        src, dec_in, dec_target = make_batch(dev_pairs)
        logits = model(src, dec_in)
        dev_loss = criterion(logits.reshape(-1, logits.size(-1)), dec_target.reshape(-1)).item()
    print(f"epoch {epoch + 1}: train {total / n_batches:.3f}  dev {dev_loss:.3f}")

print("example:", dev_pairs[0][0], "->", dev_pairs[0][1])
