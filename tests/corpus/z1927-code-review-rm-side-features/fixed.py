"""Preference reward model for code-review comments.

Reviewers ranked pairs of review comments written for the same diff. The scorer is a small
BERT cross-encoder over (diff, comment) plus two cheap hand-made signals about the comment:
how long it is and how many identifiers from the diff it actually references.
"""
import os
import re
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

REVIEWS = [
    {"diff": "def area(r): return 3.14 * r * r",
     "preferred": "use math.pi instead of 3.14 in area so the result is precise",
     "other": "looks fine"},
    {"diff": "for i in range(len(items)): print(items[i])",
     "preferred": "iterate over items directly instead of range(len(items))",
     "other": "why"},
    {"diff": "except: pass",
     "preferred": "a bare except with pass hides errors, catch a specific exception and log it",
     "other": "hmm not sure about this"},
    {"diff": "data = open(path).read()",
     "preferred": "wrap open(path) in a with block so the file handle is closed",
     "other": "ok"},
    {"diff": "if flag == True: run()",
     "preferred": "write if flag: instead of comparing flag to True",
     "other": "style nit"},
]

TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def write_vocab(folder):
    pieces = set()
    for ex in REVIEWS:
        for text in ex.values():
            pieces.update(TOKEN_RE.findall(text.lower()))
    path = os.path.join(folder, "review_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(pieces)) + "\n")
    return path


def comment_signals(diffs, comments):
    """[log length, fraction of diff identifiers mentioned] for each comment."""
    feats = []
    for diff, comment in zip(diffs, comments):
        idents = {w for w in TOKEN_RE.findall(diff) if w.isidentifier()}
        mentioned = sum(1 for w in idents if w in comment)
        feats.append([np.log1p(len(comment.split())), mentioned / max(len(idents), 1)])
    return torch.from_numpy(np.asarray(feats, dtype=np.float32))


class ReviewRewardModel(nn.Module):
    def __init__(self, cfg, n_signals=2):
        super().__init__()
        self.bert = BertModel(cfg)
        self.signal_proj = nn.Sequential(nn.Linear(n_signals, cfg.hidden_size), nn.Tanh())
        self.out = nn.Linear(cfg.hidden_size, 1)

    def forward(self, enc, signals):
        pooled = self.bert(**enc).pooler_output
        fused = pooled + self.signal_proj(signals)
        return self.out(fused).squeeze(-1)


def score(model, tok, diffs, comments):
    enc = tok(diffs, comments, padding=True, truncation=True, max_length=40, return_tensors="pt")
    return model(dict(enc), comment_signals(diffs, comments))


def main():
    with tempfile.TemporaryDirectory() as folder:
        tok = BertTokenizer(write_vocab(folder))

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = ReviewRewardModel(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    for epoch in range(4):
        for lo in range(0, len(REVIEWS), 2):
            chunk = REVIEWS[lo:lo + 2]
            diffs = [ex["diff"] for ex in chunk]
            r_pref = score(model, tok, diffs, [ex["preferred"] for ex in chunk])
            r_other = score(model, tok, diffs, [ex["other"] for ex in chunk])
            loss = -F.logsigmoid(r_pref - r_other).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: last loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        diffs = [ex["diff"] for ex in REVIEWS]
        gap = score(model, tok, diffs, [ex["preferred"] for ex in REVIEWS]) - \
            score(model, tok, diffs, [ex["other"] for ex in REVIEWS])
    print("reward gap per diff:", [round(v, 3) for v in gap.tolist()])


if __name__ == "__main__":
    main()
