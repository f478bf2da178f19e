"""Incident-type classifier for coastguard vessel reports.

Run 1 trains on the original four incident categories and checkpoints.
Run 2 resumes from that checkpoint after the taxonomy gained a new category.
"""
import os
import tempfile
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

FIRST_BATCH = [
    ("engine room fire reported crew mustered at stations", "fire"),
    ("smoke from galley extinguished by crew", "fire"),
    ("vessel aground on sandbar at low tide", "grounding"),
    ("keel touched rocks near harbour entrance", "grounding"),
    ("man overboard from aft deck recovered alive", "overboard"),
    ("deckhand fell overboard during mooring", "overboard"),
    ("collision with fishing boat in fog", "collision"),
    ("contact with pier while berthing", "collision"),
    ("fire in generator compartment", "fire"),
    ("ran aground after steering failure", "grounding"),
]

SECOND_BATCH = [
    ("containers shifted in heavy swell vessel listing", "cargo_shift"),
    ("timber deck cargo moved after lashing failed", "cargo_shift"),
    ("small fire in paint locker", "fire"),
    ("grounded on mudbank near channel marker", "grounding"),
    ("crew member overboard in rough sea", "overboard"),
    ("collision with buoy at night", "collision"),
    ("bulk cargo shifted causing heavy list", "cargo_shift"),
    ("contact with tug during berthing", "collision"),
]


class ReportEncoder(nn.Module):
    def __init__(self, vocab_size, dim, heads, num_labels):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        layer = nn.TransformerEncoderLayer(dim, heads, dim * 2, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(dim, num_labels)

    def forward(self, ids):
        pad = ids.eq(0)
        h = self.encoder(self.embed(ids), src_key_padding_mask=pad)
        h = h.masked_fill(pad.unsqueeze(-1), 0.0).sum(1) / (~pad).sum(1, keepdim=True)
        return self.head(h)


def build_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    return ["<pad>", "<unk>"] + words


def encode(texts, vocab):
    index = {w: i for i, w in enumerate(vocab)}
    rows = [[index.get(w, 1) for w in t.split()] for t in texts]
    width = max(len(r) for r in rows)
    return torch.tensor([r + [0] * (width - len(r)) for r in rows])


def inverse_freq_weights(tags, n):
    counts = Counter(tags)
    w = torch.tensor([1.0 / max(counts.get(i, 0), 1) for i in range(n)])
    return w * n / w.sum()


def weighted_ce(logits, target, class_weights):
    logp = F.log_softmax(logits, dim=-1)
    onehot = F.one_hot(target, logits.size(-1)).float()
    return -(onehot * logp * class_weights).sum(-1).mean()


def train(model, ids, target, class_weights, epochs, lr=3e-3):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for epoch in range(epochs):
        for start in range(0, len(ids), 4):
            logits = model(ids[start:start + 4])
            loss = weighted_ce(logits, target[start:start + 4], class_weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"  epoch {epoch} loss {loss.item():.4f}")


# ---- run 1 ---------------------------------------------------------------
texts, tags = zip(*FIRST_BATCH)
labels = sorted(set(tags))
vocab = build_vocab(texts)
config = {"vocab_size": len(vocab), "dim": 32, "heads": 2, "num_labels": len(labels)}
model = ReportEncoder(**config)
y = [labels.index(t) for t in tags]
class_weights = inverse_freq_weights(y, len(labels))
print("run 1: labels", labels)
train(model, encode(texts, vocab), torch.tensor(y), class_weights, epochs=2)

ckpt_dir = tempfile.mkdtemp(prefix="incidents_")
ckpt_path = os.path.join(ckpt_dir, "incident_clf.pt")
torch.save({"model": model.state_dict(), "config": config, "vocab": vocab, "labels": labels,
            "epoch": 2, "class_weights": class_weights}, ckpt_path)
print("saved", ckpt_path)

# ---- run 2: resume with the extended taxonomy ------------------------------
state = torch.load(ckpt_path)
labels = list(state["labels"])
for t in sorted({t for _, t in SECOND_BATCH}):
    if t not in labels:
        labels.append(t)
vocab = state["vocab"]
config = dict(state["config"], num_labels=len(labels))
model = ReportEncoder(**config)

own = model.state_dict()
compatible = {k: v for k, v in state["model"].items() if own[k].shape == v.shape}
missing, _ = model.load_state_dict(compatible, strict=False)
print("run 2: labels", labels, "| re-initialised:", missing)

texts, tags = zip(*SECOND_BATCH)
y = torch.tensor([labels.index(t) for t in tags])
class_weights = state["class_weights"]
train(model, encode(texts, vocab), y, class_weights, epochs=3)
print("resumed training finished at epoch", state["epoch"] + 3)
