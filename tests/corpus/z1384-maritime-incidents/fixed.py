"""Seed-ensemble of small BERT-style encoders for triaging maritime incident reports.

Each member is trained with a different seed; at inference time the members'
logits are blended with per-member weights and the blended scores are ranked.
"""
import os
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F


def configure():
    os.environ.setdefault("ENSEMBLE_SEEDS", "7,19")
    os.environ.setdefault("MAX_LEN", "24")
    os.environ.setdefault("TRAIN_STEPS", "5")


def env_int(name, default):
    return int(os.environ.get(name, str(default)))


def env_list(name, default, cast=float):
    raw = os.environ.get(name, default)
    return [cast(tok) for tok in raw.split(",") if tok.strip()]


INCIDENT_TYPES = ["collision", "grounding", "machinery", "pollution"]

REPORTS = [
    ("vessel struck the quay while berthing in strong crosswind", 0),
    ("two trawlers made contact in fog near the harbour entrance", 0),
    ("bulk carrier touched bottom outside the marked channel", 1),
    ("yacht ran aground on a sandbank at low tide", 1),
    ("main engine lost lubricating oil pressure and was stopped", 2),
    ("generator tripped and the ship lost power for ten minutes", 2),
    ("oily water observed astern during bunkering operations", 3),
    ("hydraulic fluid leaked overboard from the stern ramp", 3),
    ("ferry and tug collided during the turning manoeuvre", 0),
    ("coaster grounded after a steering gear failure", 1),
    ("fuel pump seized and the vessel drifted until towed", 2),
    ("sheen of diesel reported around the moored tanker", 3),
]

EVAL_REPORTS = [
    "container ship made contact with the pier fenders",
    "fishing boat grounded on rocks in heavy swell",
    "crankcase alarm and engine shutdown in the channel",
    "small oil spill from a ruptured bunker hose",
]


class WordTokenizer:
    def __init__(self, texts, max_len):
        words = sorted({w for t in texts for w in t.split()})
        self.vocab = {"[PAD]": 0, "[CLS]": 1, "[UNK]": 2}
        for w in words:
            self.vocab[w] = len(self.vocab)
        self.max_len = max_len

    def __call__(self, texts):
        rows = []
        for t in texts:
            ids = [1] + [self.vocab.get(w, 2) for w in t.split()]
            ids = ids[: self.max_len]
            rows.append(ids + [0] * (self.max_len - len(ids)))
        ids = torch.tensor(rows)
        return ids, ids.ne(0)


class TinyEncoder(nn.Module):
    def __init__(self, vocab_size, max_len, n_classes, dim=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, ids, keep):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=~keep)
        return self.head(h[:, 0])


def train_member(seed, tokenizer, steps):
    torch.manual_seed(seed)
    random.seed(seed)
    model = TinyEncoder(len(tokenizer.vocab), tokenizer.max_len, len(INCIDENT_TYPES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    texts, targets = zip(*REPORTS)
    ids, keep = tokenizer(list(texts))
    gold = torch.tensor(targets)
    model.train()
    for step in range(steps):
        loss = F.cross_entropy(model(ids, keep), gold)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"member seed={seed} final loss={loss.item():.3f}")
    return model.eval()


@torch.no_grad()
def blend(members, ids, keep):
    stacked = torch.stack([m(ids, keep) for m in members])  # (members, batch, classes)
    weights = torch.tensor(env_list("ENSEMBLE_WEIGHTS", "0.55,0.45"))
    weights = weights / weights.sum()
    return (stacked * weights.view(-1, 1, 1)).sum(dim=0)


def main():
    configure()
    seeds = env_list("ENSEMBLE_SEEDS", "7", cast=int)
    max_len = env_int("MAX_LEN", 24)
    steps = env_int("TRAIN_STEPS", 5)

    tokenizer = WordTokenizer([t for t, _ in REPORTS] + EVAL_REPORTS, max_len)
    members = [train_member(s, tokenizer, steps) for s in seeds]
    print(f"trained {len(members)} ensemble members")

    ids, keep = tokenizer(EVAL_REPORTS)
    scores = blend(members, ids, keep).softmax(-1)
    for text, row in zip(EVAL_REPORTS, scores):
        top = int(row.argmax())
        print(f"{INCIDENT_TYPES[top]:>10} {row[top]:.2f} | {text}")
    print("mean confidence:", round(float(scores.max(-1).values.mean()), 3))


if __name__ == "__main__":
    main()
