"""Phase assignment for excavated spits, trench by trench.

Reads the spit recording sheet (one row per 10 cm spit), drops spits flagged as
disturbed by modern intrusions, and tags each remaining spit with a cultural
phase using a BiGRU that runs top-down through the trench.
"""
import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

HERE = os.path.dirname(os.path.abspath(__file__))
SHEET = os.path.join(HERE, "spit_sheet.csv")
FEATURES = ["depth_cm", "munsell_value", "munsell_chroma", "sherd_count", "bone_g", "charcoal"]
PHASES = ["topsoil", "late_iron_age", "early_iron_age", "bronze_age"]
PAD_PHASE = -100
SPITS_PER_TRENCH = 9


def write_recording_sheet(path, n_trenches=24):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["trench", "spit"] + FEATURES + ["disturbed", "phase"])
        for t in range(n_trenches):
            boundaries = np.sort(rng.choice(np.arange(1, SPITS_PER_TRENCH), 3, replace=False))
            for s in range(SPITS_PER_TRENCH):
                phase = int(np.searchsorted(boundaries, s, side="right"))
                w.writerow([
                    f"T{t:02d}", s + 1, 10 * (s + 1),
                    int(rng.integers(2, 7)), int(rng.integers(1, 6)),
                    int(rng.poisson(2 + 3 * phase)), round(float(rng.gamma(2, 15)), 1),
                    int(rng.random() < 0.2 * phase),
                    int(rng.random() < 0.15), phase,
                ])


def load_trenches(path):
    trenches = {}
    with open(path) as fh:
        for row in csv.DictReader(fh):
            trenches.setdefault(row["trench"], []).append(row)
    for rows in trenches.values():
        rows.sort(key=lambda r: int(r["spit"]))
    return trenches


class TrenchSequenceDataset(Dataset):
    def __init__(self, trenches, feat_mean=None, feat_std=None):
        self.items = []
        for name, rows in sorted(trenches.items()):
            kept = [r for r in rows if r["disturbed"] == "0"]
            x = np.array([[float(r[f]) for f in FEATURES] for r in kept], dtype=np.float32)
            y = np.array([int(r["phase"]) for r in kept], dtype=np.int64)
            self.items.append((name, x, y))
        all_x = np.concatenate([x for _, x, _ in self.items])
        self.mean = all_x.mean(0) if feat_mean is None else feat_mean
        self.std = all_x.std(0) + 1e-6 if feat_std is None else feat_std

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        name, x, y = self.items[i]
        x = (x - self.mean) / self.std
        return {"trench": name, "spits": torch.from_numpy(x), "phases": torch.from_numpy(y)}


def collate_trenches(batch):
    spits = pad_sequence([b["spits"] for b in batch], batch_first=True)
    phases = pad_sequence([b["phases"] for b in batch], batch_first=True, padding_value=PAD_PHASE)
    lengths = torch.tensor([len(b["spits"]) for b in batch])
    return {"trench": [b["trench"] for b in batch], "spits": spits,
            "phases": phases, "lengths": lengths}


class SpitPhaseTagger(nn.Module):
    def __init__(self, n_feats, n_phases, hidden=32):
        super().__init__()
        self.proj = nn.Linear(n_feats, hidden)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_phases)

    def forward(self, spits, lengths):
        h = torch.relu(self.proj(spits))
        packed = pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
        h, _ = self.rnn(packed)
        h, _ = pad_packed_sequence(h, batch_first=True, total_length=spits.size(1))
        return self.out(h)


def train(model, loader, epochs=3):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    crit = nn.CrossEntropyLoss(ignore_index=PAD_PHASE)
    for ep in range(epochs):
        tot, n = 0.0, 0
        for batch in loader:
            logits = model(batch["spits"], batch["lengths"])
            loss = crit(logits.reshape(-1, logits.size(-1)), batch["phases"].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
            n += 1
        print(f"epoch {ep}: mean loss {tot / n:.3f}")


if __name__ == "__main__":
    write_recording_sheet(SHEET)
    trenches = load_trenches(SHEET)
    ds = TrenchSequenceDataset(trenches)
    print(f"{len(ds)} trenches, {sum(len(x) for _, x, _ in ds.items)} undisturbed spits")
    loader = DataLoader(ds, batch_size=6, shuffle=True, collate_fn=collate_trenches)
    model = SpitPhaseTagger(len(FEATURES), len(PHASES))
    train(model, loader)
