import keyword
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

SNIPPETS = [
    "for i in range(10): total += i",
    "if x > 0: return x * 2",
    "def add(a, b): return a + b",
    "name = 'alice' + str(42)",
    "while n != 1: n = n // 2",
    "print(len(items), 'items')",
    "result = [v * v for v in values if v % 2 == 0]",
    "class Point: pass",
    "import os, sys",
    "with open(path) as fh: data = fh.read()",
    "x, y = y, x + 1.5",
    "return None if not ok else 'done'",
    "lambda k: k ** 3",
    "assert count >= 0, 'negative'",
    "try: value = int(raw) except ValueError: value = 0",
    "total = sum(w * 0.5 for w in weights)",
]

TOKEN_RE = re.compile(r"\d+\.\d+|\d+|'[^']*'|[A-Za-z_]\w*|\*\*|//|[<>!=+\-*/%]=?|[()\[\]:,.]")
TAGS = ["KEYWORD", "NAME", "NUMBER", "STRING", "OPERATOR", "PUNCT"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}


def tag_of(tok):
    if keyword.iskeyword(tok):
        return "KEYWORD"
    if tok[0].isalpha() or tok[0] == "_":
        return "NAME"
    if tok[0].isdigit():
        return "NUMBER"
    if tok[0] == "'":
        return "STRING"
    if tok in "()[]:,.":
        return "PUNCT"
    return "OPERATOR"


tokenized = [TOKEN_RE.findall(s) for s in SNIPPETS]
vocab = {"<pad>": 0, "<unk>": 1}
for toks in tokenized:
    for t in toks:
        vocab.setdefault(t, len(vocab))

examples = [([vocab[t] for t in toks], [TAG2ID[tag_of(t)] for t in toks]) for toks in tokenized]


def pad_batch(rows):
    width = max(len(ids) for ids, _ in rows)
    tok_batch = torch.zeros(len(rows), width, dtype=torch.long)
    tag_batch = torch.full((len(rows), width), -100, dtype=torch.long)
    for r, (ids, tags) in enumerate(rows):
        tok_batch[r, : len(ids)] = torch.tensor(ids)
        tag_batch[r, : len(tags)] = torch.tensor(tags)
    return tok_batch, tag_batch


class CodeTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, emb=24, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_tags)

    def forward(self, tok_batch):
        states, _ = self.lstm(self.embed(tok_batch))
        return self.out(states)


model = CodeTagger(len(vocab), len(TAGS))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
BATCH = 8

for epoch in range(15):
    perm = torch.randperm(len(examples)).tolist()
    epoch_loss = 0.0
    for b in range(0, len(perm), BATCH):
        tok_batch, tag_batch = pad_batch([examples[k] for k in perm[b:b + BATCH]])
        scores = model(tok_batch)
        loss = F.cross_entropy(scores.transpose(1, 2), tag_batch, ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss += loss.item()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1}: loss {epoch_loss:.3f}")

with torch.no_grad():
    toks = TOKEN_RE.findall("if total > 10: print('big')")
    ids = torch.tensor([[vocab.get(t, 1) for t in toks]])
    pred = model(ids).argmax(-1)[0].tolist()
    print(list(zip(toks, [TAGS[p] for p in pred])))
