"""Urgency grading for ambulance dispatch call notes, with the time the call came in as an extra signal.

Small BERT-like encoder written directly in torch; no pretrained weights.
"""
import os
import random
from dataclasses import dataclass, field

import torch
from torch import nn
import torch.nn.functional as F

SEED = int(os.environ.get("DISPATCH_SEED", "21"))
D_MODEL = int(os.environ.get("DISPATCH_D_MODEL", "32"))
N_HEADS = int(os.environ.get("DISPATCH_HEADS", "2"))
N_LAYERS = int(os.environ.get("DISPATCH_LAYERS", "1"))
MAX_TOKENS = int(os.environ.get("DISPATCH_MAX_TOKENS", "40"))
HOURS_PER_DAY = 24
STEPS = int(os.environ.get("DISPATCH_STEPS", "6"))

GRADES = ["cat1", "cat2", "cat3"]
CALLS = [
    ("00:47", "unconscious not breathing male collapsed kitchen", "cat1"),
    ("02:15", "fall elderly female hip pain conscious breathing", "cat3"),
    ("07:30", "chest pain radiating arm sweating", "cat1"),
    ("11:05", "cut hand bleeding controlled with towel", "cat3"),
    ("14:52", "child fitting not stopping lips blue", "cat1"),
    ("17:20", "road traffic collision driver trapped conscious", "cat2"),
    ("19:41", "breathing difficulty asthma inhaler not helping", "cat2"),
    ("23:58", "intoxicated male head wound conscious talking", "cat3"),
]


@dataclass
class Vocab:
    itos: list = field(default_factory=lambda: ["<pad>", "<unk>", "<cls>"])

    def build(self, texts):
        for t in texts:
            for w in t.split():
                if w not in self.itos:
                    self.itos.append(w)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        return self

    def encode(self, text):
        return [self.stoi["<cls>"]] + [self.stoi.get(w, 1) for w in text.split()][: MAX_TOKENS - 1]


def minutes_since_midnight(hhmm):
    hh, mm = hhmm.split(":")
    return int(hh) * 60 + int(mm)


class CallEncoder(nn.Module):
    def __init__(self, vocab_size, n_grades, **layer_kwargs):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, D_MODEL, padding_idx=0)
        self.pos = nn.Embedding(MAX_TOKENS, D_MODEL)
        self.hour = nn.Embedding(HOURS_PER_DAY, D_MODEL)
        layer = nn.TransformerEncoderLayer(D_MODEL, N_HEADS, dim_feedforward=64, batch_first=True, **layer_kwargs)
        self.encoder = nn.TransformerEncoder(layer, N_LAYERS, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(D_MODEL)
        self.out = nn.Linear(D_MODEL, n_grades)

    def forward(self, ids, pad, when):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        x = self.tok(ids) + self.pos(positions)
        x = x + self.hour(when).unsqueeze(1)
        x = self.encoder(self.norm(x), src_key_padding_mask=pad)
        return self.out(x[:, 0])


def batches(rows, vocab, size):
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        seqs = [vocab.encode(text) for _, text, _ in chunk]
        width = max(len(s) for s in seqs)
        ids = torch.tensor([s + [0] * (width - len(s)) for s in seqs])
        yield {
            "ids": ids,
            "pad": ids.eq(0),
            "when": torch.tensor([minutes_since_midnight(t) // 60 for t, _, _ in chunk]),
            "grade": torch.tensor([GRADES.index(g) for _, _, g in chunk]),
        }


def fit(model, rows, vocab, **opt_kwargs):
    opt = torch.optim.Adam(model.parameters(), **opt_kwargs)
    for step in range(STEPS):
        random.shuffle(rows)
        total = 0.0
        for b in batches(rows, vocab, int(os.environ.get("DISPATCH_BATCH", "4"))):
            logits = model(b["ids"], b["pad"], b["when"])
            loss = F.cross_entropy(logits, b["grade"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"step {step} loss {total:.3f}")


if __name__ == "__main__":
    random.seed(SEED)
    torch.manual_seed(SEED)
    rows = list(CALLS)
    vocab = Vocab().build(t for _, t, _ in rows)
    model = CallEncoder(len(vocab.itos), len(GRADES), dropout=float(os.environ.get("DISPATCH_DROPOUT", "0.1")))
    fit(model, rows, vocab, lr=float(os.environ.get("DISPATCH_LR", "1e-3")))
    print("finished", sum(p.numel() for p in model.parameters()), "params")
