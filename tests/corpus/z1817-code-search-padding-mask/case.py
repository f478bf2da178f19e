"""Toy neural code search: embed docstring queries and function bodies with a
shared transformer encoder and train with in-batch contrastive loss."""
import re
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

CORPUS = [
    ("reverse a linked list",
     "def reverse(head):\n    prev = None\n    while head:\n        head.next, prev, head = prev, head, head.next\n    return prev"),
    ("read json file into dict",
     "def load_json(path):\n    with open(path) as fh:\n        return json.load(fh)"),
    ("check if string is palindrome",
     "def is_pal(s):\n    return s == s[::-1]"),
    ("sum of squares of a list",
     "def sum_sq(xs):\n    return sum(x * x for x in xs)"),
    ("flatten nested list",
     "def flatten(items):\n    out = []\n    for it in items:\n        out.extend(flatten(it) if isinstance(it, list) else [it])\n    return out"),
    ("count words in text",
     "def word_count(text):\n    return Counter(text.split())"),
    ("binary search sorted array",
     "def bsearch(arr, x):\n    lo, hi = 0, len(arr) - 1\n    while lo <= hi:\n        mid = (lo + hi) // 2\n        if arr[mid] == x:\n            return mid\n        lo, hi = (mid + 1, hi) if arr[mid] < x else (lo, mid - 1)\n    return -1"),
    ("write csv rows to file",
     "def write_rows(path, rows):\n    with open(path, 'w') as fh:\n        csv.writer(fh).writerows(rows)"),
]

SPECIALS = ["<pad>", "<unk>", "<s>", "</s>"]
PAD, UNK, BOS, EOS = range(4)
MAX_PIECES = 48
TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+|==|<=|>=|//|\*\*|\S")


def lex(source):
    return TOKEN_RE.findall(source)


def build_vocab(texts, min_count=1):
    counts = Counter(tok for t in texts for tok in lex(t))
    vocab = {tok: i for i, tok in enumerate(SPECIALS)}
    for tok, c in counts.most_common():
        if c >= min_count:
            vocab[tok] = len(vocab)
    return vocab


def encode_batch(texts, vocab):
    pieces = [lex(t)[:MAX_PIECES] for t in texts]
    lengths = torch.tensor([len(p) for p in pieces])
    width = int(lengths.max()) + 2
    rows = []
    for p in pieces:
        ids = [BOS] + [vocab.get(tok, UNK) for tok in p] + [EOS]
        rows.append(ids + [PAD] * (width - len(ids)))
    return torch.tensor(rows), lengths


def lengths_to_pad_mask(lengths):
    steps = torch.arange(int(lengths.max()))
    return steps.unsqueeze(0) >= lengths.unsqueeze(1)


class SearchEncoder(nn.Module):
    def __init__(self, n_tokens, dim=32, max_pos=64):
        super().__init__()
        self.tok = nn.Embedding(n_tokens, dim, padding_idx=PAD)
        self.pos = nn.Embedding(max_pos, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=2)
        self.proj = nn.Linear(dim, dim)

    def forward(self, tok_ids, lengths):
        pos = torch.arange(tok_ids.size(1)).unsqueeze(0)
        x = self.tok(tok_ids) + self.pos(pos)
        pad = lengths_to_pad_mask(lengths)
        h = self.body(x, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return F.normalize(self.proj(pooled), dim=-1)


def contrastive_loss(q_vec, c_vec, temperature=0.1):
    sims = q_vec @ c_vec.T / temperature
    target = torch.arange(sims.size(0))
    return (F.cross_entropy(sims, target) + F.cross_entropy(sims.T, target)) / 2


def main():
    queries = [q for q, _ in CORPUS]
    snippets = [c for _, c in CORPUS]
    vocab = build_vocab(queries + snippets)
    print(f"vocab size: {len(vocab)}")

    encoder = SearchEncoder(len(vocab))
    optim = torch.optim.Adam(encoder.parameters(), lr=1e-3)

    q_ids, q_len = encode_batch(queries, vocab)
    c_ids, c_len = encode_batch(snippets, vocab)

    for step in range(2):
        encoder.train()
        loss = contrastive_loss(encoder(q_ids, q_len), encoder(c_ids, c_len))
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 5 == 0:
            print(f"step {step:2d} loss {loss.item():.4f}")

    encoder.eval()
    with torch.no_grad():
        index = encoder(c_ids, c_len)
        ask_ids, ask_len = encode_batch(["load a json file", "find item in sorted array"], vocab)
        hits = (encoder(ask_ids, ask_len) @ index.T).argmax(-1)
    for query, hit in zip(["load a json file", "find item in sorted array"], hits.tolist()):
        print(f"{query!r} -> {snippets[hit].splitlines()[0]}")


if __name__ == "__main__":
    main()
