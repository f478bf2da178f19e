"""Predict 12-month non-adherence (PDC < 0.8) from a patient's pharmacy fill history.

Each patient is a sequence of dispensing events: the dispensed product (index
into a formulary vocabulary) and the gap in days since the previous fill.
"""
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader, Dataset


@dataclass
class Settings:
    seed: int = 2024
    n_patients: int = 300
    formulary_size: int = 150
    min_fills: int = 3
    max_fills: int = 14
    emb_dim: int = 24
    hidden: int = 48
    batch_size: int = 16
    epochs: int = 2
    lr: float = 2e-3


PAD_CODE = 0


def simulate_claims(s: Settings):
    """Flat claims table: (patient_id, fill_day, product_idx, days_supply)."""
    rng = np.random.default_rng(s.seed)
    rows = []
    for pid in range(s.n_patients):
        n = rng.integers(s.min_fills, s.max_fills + 1)
        adherent = rng.random() < 0.6
        day = int(rng.integers(0, 30))
        base_product = int(rng.integers(1, s.formulary_size))
        for _ in range(n):
            supply = int(rng.choice([30, 60, 90]))
            product = base_product if rng.random() < 0.8 else int(rng.integers(1, s.formulary_size))
            rows.append((pid, day, product, supply))
            late = rng.integers(0, 6) if adherent else rng.integers(10, 60)
            day += supply + int(late)
    return rows


def proportion_days_covered(fills, window=365):
    covered = np.zeros(window, dtype=bool)
    for day, _, supply in fills:
        covered[day:min(window, day + supply)] = True
    return covered.mean()


class FillHistoryDataset(Dataset):
    def __init__(self, claims):
        by_patient = defaultdict(list)
        for pid, day, product, supply in claims:
            by_patient[pid].append((day, product, supply))
        self.items = []
        for pid, fills in sorted(by_patient.items()):
            fills.sort()
            days = np.array([f[0] for f in fills])
            gaps = np.diff(days, prepend=days[0]).astype(np.float32) / 30.0
            self.items.append({
                "codes": torch.tensor([f[1] for f in fills], dtype=torch.long),
                "gaps": torch.from_numpy(gaps),
                "label": float(proportion_days_covered(fills) < 0.8),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate_fills(batch):
    lengths = torch.tensor([len(b["codes"]) for b in batch])
    codes = pad_sequence([b["codes"] for b in batch], batch_first=True, padding_value=PAD_CODE)
    gaps = torch.stack([b["gaps"] for b in batch])
    labels = torch.tensor([b["label"] for b in batch])
    return codes, gaps, lengths, labels


class AdherenceGRU(nn.Module):
    def __init__(self, s: Settings):
        super().__init__()
        self.code_emb = nn.Embedding(s.formulary_size, s.emb_dim, padding_idx=PAD_CODE)
        self.gru = nn.GRU(s.emb_dim + 1, s.hidden, batch_first=True)
        self.out = nn.Linear(s.hidden, 1)

    def forward(self, codes, gaps, lengths):
        x = torch.cat([self.code_emb(codes), gaps.unsqueeze(-1)], dim=-1)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        return self.out(h[-1]).squeeze(-1)


def train(s: Settings):
    torch.manual_seed(s.seed)
    ds = FillHistoryDataset(simulate_claims(s))
    pos_rate = sum(item["label"] for item in ds.items) / len(ds)
    print(f"{len(ds)} patients, non-adherent rate {pos_rate:.2f}")
    dl = DataLoader(ds, batch_size=s.batch_size, shuffle=True, collate_fn=collate_fills)

    model = AdherenceGRU(s)
    opt = torch.optim.Adam(model.parameters(), lr=s.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(s.epochs):
        model.train()
        tot, n = 0.0, 0
        for codes, gaps, lengths, labels in dl:
            logits = model(codes, gaps, lengths)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            tot += loss.item() * len(labels)
            n += len(labels)
        print(f"epoch {epoch + 1}/{s.epochs} bce={tot / n:.4f}")
    return model


if __name__ == "__main__":
    train(Settings())
