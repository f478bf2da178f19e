# Sweep for the VHF radio-log triage model (coastguard watch desk).
# Compares coarse vs fine label schemes, vocab cutoffs and embedding widths.
import itertools
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

LOGS = [
    ("mayday mayday vessel taking water engine room flooded four persons on board", "mayday"),
    ("pan pan yacht lost steering drifting towards rocks request tow", "pan_pan"),
    ("securite gale warning area six winds force eight expected", "weather"),
    ("securite buoy unlit off the north breakwater mariners take caution", "nav_warning"),
    ("radio check channel sixteen loud and clear thank you", "routine"),
    ("mayday fishing vessel on fire crew abandoning to liferaft", "mayday"),
    ("pan pan crew member injured hand requesting medical advice", "pan_pan"),
    ("securite fog bank reducing visibility below half a mile", "weather"),
    ("securite dredger working in the fairway keep clear", "nav_warning"),
    ("harbour control this is ferry arriving berth two in ten minutes", "routine"),
]

SCHEMES = {
    "coarse": {"mayday": 2, "pan_pan": 2, "weather": 1, "nav_warning": 1, "routine": 0},
    "fine": {"routine": 0, "weather": 1, "nav_warning": 2, "pan_pan": 3, "mayday": 4},
}


class WordVocab:
    def __init__(self, texts, min_count=1, max_len=16):
        counts = Counter(w for t in texts for w in t.split())
        self.itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= min_count)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.max_len = max_len

    def __len__(self):
        return len(self.itos)

    def encode(self, text):
        ids = [self.stoi.get(w, 1) for w in text.split()][: self.max_len]
        return ids + [0] * (self.max_len - len(ids))


class RadioTriage(nn.Module):
    def __init__(self, vocab_size, emb_dim, n_classes=3):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, emb_dim, batch_first=True)
        self.out = nn.Linear(emb_dim, n_classes)

    def forward(self, ids):
        _, h = self.rnn(self.emb(ids))
        return self.out(h[-1])


def make_tensors(vocab, scheme):
    xs = torch.tensor([vocab.encode(t) for t, _ in LOGS])
    ys = torch.tensor([SCHEMES[scheme][lab] for _, lab in LOGS])
    return xs, ys


def train_run(scheme, min_count, emb_dim, epochs=5):
    vocab = WordVocab([t for t, _ in LOGS], min_count=min_count, max_len=14)
    xs, ys = make_tensors(vocab, scheme)
    model = RadioTriage(len(vocab), emb_dim, n_classes=len(set(SCHEMES[scheme].values())))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)

    for epoch in range(epochs):
        order = torch.randperm(len(xs))
        for start in range(0, len(xs), 4):
            idx = order[start:start + 4]
            logits = model(xs[idx])
            loss = F.cross_entropy(logits, ys[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()

    with torch.no_grad():
        acc = (model(xs).argmax(-1) == ys).float().mean().item()
    return {"scheme": scheme, "min_count": min_count, "emb_dim": emb_dim,
            "vocab": len(vocab), "loss": loss.item(), "train_acc": acc}


results = []
for scheme, min_count, emb_dim in itertools.product(["coarse", "fine"], [1, 2], [16]):
    print(f"[sweep] scheme={scheme} min_count={min_count} emb_dim={emb_dim}")
    results.append(train_run(scheme, min_count, emb_dim))

cols = ["scheme", "min_count", "emb_dim", "vocab", "loss", "train_acc"]
print(" | ".join(f"{c:>9}" for c in cols))
for r in results:
    print(" | ".join(f"{r[c]:>9.4f}" if isinstance(r[c], float) else f"{r[c]:>9}" for c in cols))
