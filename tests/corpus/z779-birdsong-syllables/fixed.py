# Syllable-role tagging for chaffinch song transcriptions (thesis ch.3, table 3.2).
# Each song is a sequence of syllable-type codes from the clustering step; we tag each
# syllable with its phrase role. GRU tagger, one-factor-at-a-time ablation.
import dataclasses
import random
from collections import defaultdict
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

SONGS = [
    ("s03 s03 s03 s11 s11 s11 s11 s20 s27", "intro intro intro trill trill trill trill flourish terminal"),
    ("s03 s03 s12 s12 s12 s21 s27", "intro intro trill trill trill flourish terminal"),
    ("s04 s04 s04 s04 s11 s11 s22 s22 s28 s27", "intro intro intro intro trill trill flourish flourish terminal terminal"),
    ("s05 s12 s12 s12 s12 s12 s20", "intro trill trill trill trill trill flourish"),
    ("s03 s03 s11 s11 s11 s11 s11 s11 s21 s21 s27", "intro intro trill trill trill trill trill trill flourish flourish terminal"),
    ("s04 s12 s12 s22 s28", "intro trill trill flourish terminal"),
]
ROLES = ["intro", "trill", "flourish", "terminal"]
IGNORE = -100

_VOCAB = {}


def syllable_vocab():
    if not _VOCAB:
        _VOCAB["<pad>"] = 0
        for codes, _ in SONGS:
            for c in codes.split():
                _VOCAB.setdefault(c, len(_VOCAB))
    return _VOCAB


@dataclass
class Experiment:
    name: str = "baseline"
    emb_dim: int = 16
    rnn_dim: int = 24
    bidirectional: bool = True
    num_layers: int = 1
    dropout: float = 0.1
    label_smoothing: float = 0.0
    lr: float = 1e-2
    epochs: int = 1
    batch_size: int = 3
    grad_clip: float = 1.0
    seeds: tuple = (7, 8, 9)


class RoleTagger(nn.Module):
    def __init__(self, n_syll, exp):
        super().__init__()
        self.emb = nn.Embedding(n_syll, exp.emb_dim, padding_idx=0)
        self.rnn = nn.GRU(exp.emb_dim, exp.rnn_dim, num_layers=exp.num_layers,
                          batch_first=True, bidirectional=exp.bidirectional)
        out_dim = exp.rnn_dim * (2 if exp.bidirectional else 1)
        self.drop = nn.Dropout(exp.dropout)
        self.proj = nn.Linear(out_dim, len(ROLES))

    def forward(self, syll):
        h, _ = self.rnn(self.emb(syll))
        return self.proj(self.drop(h))  # (B, T, n_roles)


def collate(items):
    vocab = syllable_vocab()
    T = max(len(c.split()) for c, _ in items)
    syll = torch.zeros(len(items), T, dtype=torch.long)
    roles = torch.full((len(items), T), IGNORE, dtype=torch.long)
    for i, (codes, tags) in enumerate(items):
        ids = [vocab[c] for c in codes.split()]
        syll[i, :len(ids)] = torch.tensor(ids)
        roles[i, :len(ids)] = torch.tensor([ROLES.index(t) for t in tags.split()])
    return syll, roles


def tagging_loss(scores, roles, exp):
    if exp.label_smoothing > 0:
        return F.cross_entropy(scores.transpose(1, 2), roles, ignore_index=IGNORE,
                               label_smoothing=exp.label_smoothing)
    return F.cross_entropy(scores.reshape(-1, scores.size(-1)), roles.reshape(-1),
                           ignore_index=IGNORE)


def run(exp, seed):
    random.seed(seed)
    torch.manual_seed(seed)
    tagger = RoleTagger(len(syllable_vocab()), exp)
    opt = torch.optim.Adam(tagger.parameters(), lr=exp.lr)
    for epoch in range(exp.epochs):
        tagger.train()
        order = random.sample(SONGS, len(SONGS))
        for k in range(0, len(order), exp.batch_size):
            syll, roles = collate(order[k:k + exp.batch_size])
            loss = tagging_loss(tagger(syll), roles, exp)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(tagger.parameters(), exp.grad_clip)
            opt.step()
    tagger.eval()
    syll, roles = collate(SONGS)
    with torch.no_grad():
        pred = tagger(syll).argmax(-1)
    keep = roles != IGNORE
    return loss.item(), (pred[keep] == roles[keep]).float().mean().item()


BASE = Experiment()
ABLATION = [
    {"name": "baseline"},
    {"name": "unidirectional", "bidirectional": False},
    {"name": "smooth_0.1", "label_smoothing": 0.1},
    {"name": "two_layers", "num_layers": 2},
]

results = defaultdict(list)
for delta in ABLATION:
    exp = dataclasses.replace(BASE, **delta)
    print(f"### {exp.name}: " + ", ".join(f"{k}={v}" for k, v in delta.items() if k != "name"))
    for seed in exp.seeds:
        last_loss, tok_acc = run(exp, seed)
        results[exp.name].append(tok_acc)
        print(f"  seed={seed} final_loss={last_loss:.4f} token_acc={tok_acc:.3f}")

print("\n| variant | token acc (mean over seeds) |")
for name, accs in results.items():
    print(f"| {name} | {sum(accs) / len(accs):.3f} |")
