"""Character-level identifier splitter.

For every character of an identifier the model predicts whether a new word
starts there (getUserName -> get|User|Name, parsehttpheader -> parse|http|header).
Gold boundaries come from a small hand-labelled list of splits.
"""
import random

import torch
import torch.nn as nn

random.seed(5)
torch.manual_seed(5)

GOLD_SPLITS = [
    ["get", "User", "Name"], ["parse", "http", "header"], ["XML", "Http", "Request"],
    ["to", "string"], ["is", "Empty"], ["max", "buf", "len"], ["read", "All", "Lines"],
    ["num", "rows"], ["set", "timeout", "ms"], ["user", "id"], ["HTML", "Parser"],
    ["file", "name"], ["on", "Click", "Listener"], ["str", "cmp"], ["init", "db", "conn"],
    ["load", "config"], ["sort", "By", "Key"], ["tmp", "dir"], ["last", "index", "of"],
]

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$"
CHAR2ID = {c: i + 1 for i, c in enumerate(ALPHABET)}   # 0 = padding
MAX_CHARS = 24


def to_example(words, style):
    if style == "snake":
        parts = [w.lower() for w in words]
        ident = "_".join(parts)
        starts, pos = set(), 0
        for p in parts:
            starts.add(pos)
            pos += len(p) + 1
    else:
        parts = [w.lower() for w in words] if style == "flat" else words
        ident = "".join(parts)
        starts, pos = set(), 0
        for p in parts:
            starts.add(pos)
            pos += len(p)
    ident = ident[:MAX_CHARS]
    tags = [1.0 if i in starts and i > 0 else 0.0 for i in range(len(ident))]
    return ident, tags


def make_dataset():
    rows = []
    for words in GOLD_SPLITS:
        for style in ("camel", "snake", "flat"):
            rows.append(to_example(words, style))
    random.shuffle(rows)
    return rows


def collate(rows):
    width = max(len(ident) for ident, _ in rows)
    chars = torch.zeros(len(rows), width, dtype=torch.long)
    gold = torch.zeros(len(rows), width)
    for r, (ident, tags) in enumerate(rows):
        chars[r, :len(ident)] = torch.tensor([CHAR2ID.get(c, 0) for c in ident])
        gold[r, :len(tags)] = torch.tensor(tags)
    return chars, gold


class BoundaryTagger(nn.Module):
    def __init__(self, n_chars, emb=24, hidden=32):
        super().__init__()
        self.emb = nn.Embedding(n_chars, emb, padding_idx=0)
        self.rnn = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, 1)

    def forward(self, chars):
        states, _ = self.rnn(self.emb(chars))
        probs = torch.sigmoid(self.out(states).squeeze(-1))
        char_mask = (chars != 0).float()
        probs = probs * char_mask
        return probs


def split_identifier(model, ident):
    chars, _ = collate([(ident, [0.0] * len(ident))])
    with torch.no_grad():
        probs = model(chars)[0]
    pieces, cur = [], ident[0]
    for i in range(1, len(ident)):
        if probs[i] > 0.5:
            pieces.append(cur)
            cur = ""
        cur += ident[i]
    pieces.append(cur)
    return [p.strip("_") for p in pieces if p.strip("_")]


def main():
    data = make_dataset()
    print(f"{len(data)} labelled identifiers")
    model = BoundaryTagger(len(CHAR2ID) + 1)
    optim = torch.optim.Adam(model.parameters(), lr=5e-3)
    bce = nn.BCELoss(reduction="sum")

    for epoch in range(15):
        model.train()
        total = 0.0
        for start in range(0, len(data), 8):
            chars, gold = collate(data[start:start + 8])
            probs = model(chars)
            loss = bce(probs, gold) / (chars != 0).sum()
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d} loss {total:.4f}")

    model.eval()
    for ident in ["getFileName", "max_retry_count", "readconfig", "HTTPServer"]:
        print(ident, "->", split_identifier(model, ident))


if __name__ == "__main__":
    main()
