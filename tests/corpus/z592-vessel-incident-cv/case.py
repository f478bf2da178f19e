"""Grouped cross-validation for a small BERT-style encoder on vessel incident reports.

Reports from the same ship share wording (crew habits, equipment names), so folds
are grouped by vessel to keep a ship's reports on one side of the split.
"""
import random
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

CATEGORIES = ["engine", "hull", "navigation", "cargo"]

REPORTS = [
    ("MV Aldra", "main engine lube oil pressure dropped during passage", 0),
    ("MV Aldra", "starboard ballast tank plating corroded near frame", 1),
    ("MV Aldra", "gyro compass drifted two degrees after alarm", 2),
    ("MV Aldra", "reefer container lost power in hold three", 3),
    ("MV Borea", "turbocharger surge reported at full load", 0),
    ("MV Borea", "dent found on bulbous bow after berthing", 1),
    ("MV Borea", "ecdis chart update failed before departure", 2),
    ("MV Borea", "lashing bars loose on deck bay twelve", 3),
    ("MV Caspa", "fuel injector leak on cylinder four", 0),
    ("MV Caspa", "hull crack detected at waterline aft", 1),
    ("MV Caspa", "radar blackout for ten minutes in fog", 2),
    ("MV Caspa", "grain cargo shifted during heavy roll", 3),
    ("MV Delos", "cooling water temperature high on generator", 0),
    ("MV Delos", "paint blistering and pitting on hull side", 1),
    ("MV Delos", "autopilot disengaged without alarm", 2),
    ("MV Delos", "container stack collapsed in rough sea", 3),
    ("MV Ekkon", "crankcase oil mist detector alarm", 0),
    ("MV Ekkon", "propeller blade damage after grounding", 1),
    ("MV Ekkon", "ais transponder stopped transmitting", 2),
    ("MV Ekkon", "hazardous cargo drum leaking in hold", 3),
    ("MV Fjora", "main engine tripped on overspeed", 0),
    ("MV Fjora", "rudder stock bearing worn beyond limit", 1),
    ("MV Fjora", "gps position jumped near the strait", 2),
    ("MV Fjora", "reefer plug socket burnt on deck", 3),
    ("MV Galeo", "exhaust valve stuck on cylinder two", 0),
    ("MV Galeo", "corroded plating in forepeak tank", 1),
    ("MV Galeo", "echo sounder gave false shallow reading", 2),
    ("MV Galeo", "lashing failure on container bay four", 3),
    ("MV Halix", "generator tripped on low fuel pressure", 0),
    ("MV Halix", "hull dent after tug contact", 1),
    ("MV Halix", "radar and ecdis lost heading input", 2),
    ("MV Halix", "cargo hold bilge alarm during loading", 3),
]

HOLDOUT_VESSELS = {"MV Caspa", "MV Fjora"}
MAX_LEN = 12


def build_vocab(texts):
    vocab = {"[PAD]": 0, "[CLS]": 1, "[UNK]": 2}
    for t in texts:
        for w in t.split():
            vocab.setdefault(w, len(vocab))
    return vocab


def encode(text, vocab):
    ids = [1] + [vocab.get(w, 2) for w in text.split()][: MAX_LEN - 1]
    return ids + [0] * (MAX_LEN - len(ids))


def group_kfold(groups, k):
    """Return (train_idx, val_idx) pairs so that each group lands in exactly one val fold."""
    by_group = defaultdict(list)
    for i, g in enumerate(groups):
        by_group[g].append(i)
    names = sorted(by_group)
    folds = []
    for f in range(k):
        val_groups = set(names[f::k])
        val = [i for g in names if g in val_groups for i in by_group[g]]
        train = [i for g in names if g not in val_groups for i in by_group[g]]
        folds.append((torch.tensor(train), torch.tensor(val)))
    return folds


class TinyEncoder(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(MAX_LEN, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, ids):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=ids.eq(0))
        return self.head(h[:, 0])


def run_fold(x_tr, y_tr, x_va, y_va, vocab_size, epochs=15):
    model = TinyEncoder(vocab_size, len(CATEGORIES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(x_tr.size(0))
        for start in range(0, len(perm), 8):
            b = perm[start:start + 8]
            loss = F.cross_entropy(model(x_tr[b]), y_tr[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        pred = model(x_va).argmax(-1)
    return (pred == y_va).float().mean().item()


if __name__ == "__main__":
    vessel_ids = [v for v, _, _ in REPORTS]
    pool = [r for r in REPORTS if r[0] not in HOLDOUT_VESSELS]
    test = [r for r in REPORTS if r[0] in HOLDOUT_VESSELS]
    pool_vessels = [v for v, _, _ in pool]
    print(f"pool: {len(pool)} reports from {len(set(pool_vessels))} vessels, test: {len(test)} reports")

    vocab = build_vocab(t for _, t, _ in pool)
    pool_x = torch.tensor([encode(t, vocab) for _, t, _ in pool])
    pool_y = torch.tensor([y for _, _, y in pool])

    folds = group_kfold(vessel_ids, k=3)
    scores = []
    for fold_no, (tr_idx, va_idx) in enumerate(folds):
        acc = run_fold(pool_x[tr_idx], pool_y[tr_idx], pool_x[va_idx], pool_y[va_idx], len(vocab))
        print(f"fold {fold_no}: {len(tr_idx)} train / {len(va_idx)} val, acc={acc:.3f}")
        scores.append(acc)
    print(f"mean cv accuracy: {sum(scores) / len(scores):.3f}")
