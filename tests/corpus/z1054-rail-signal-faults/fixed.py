"""Classify railway signal fault reports by likely root cause.

Char-trigram hashing + a small GRU encoder, plus two numeric features from the
maintenance system (hours since last inspection, track circuit voltage).
"""
import math
import random
import zlib

import torch
from torch import nn

random.seed(3)
torch.manual_seed(3)

REPORTS = [
    ("aspect stuck at red, lamp filament open", 410.0, 11.8, "lamp"),
    ("track circuit dropping with no train present", 95.0, 7.1, "track_circuit"),
    ("flickering yellow during rain, cable joint wet", 620.0, 12.0, "cabling"),
    ("intermittent occupancy after ballast work", 30.0, 6.4, "track_circuit"),
    ("green aspect dim, led module aged", 980.0, 11.9, "lamp"),
    ("insulation fault on lineside cable route", 300.0, 11.5, "cabling"),
    ("ghost occupancy reported by signaller", 55.0, 6.9, "track_circuit"),
    ("no aspect shown, fuse blown in location case", 700.0, 12.1, "cabling"),
]
CAUSES = ["cabling", "lamp", "track_circuit"]


class TrigramFeaturizer:
    __slots__ = ("buckets", "max_chars")

    def __init__(self, buckets=512, max_chars=64):
        self.buckets = buckets
        self.max_chars = max_chars

    @staticmethod
    def trigrams(text):
        padded = f"^{text.lower()}$"
        return [padded[i:i + 3] for i in range(len(padded) - 2)]

    @property
    def n_numeric(self):
        return 2

    def __call__(self, text, hours, volts):
        grams = self.trigrams(text)[: self.max_chars]
        ids = [1 + zlib.crc32(g.encode()) % (self.buckets - 1) for g in grams]
        numeric = [math.log1p(hours) / 7.0, volts / 12.0]
        return torch.tensor(ids), torch.tensor(numeric)


class ReportSet:
    __slots__ = ("_rows", "_feat")

    def __init__(self, rows, featurizer):
        self._rows = list(rows)
        self._feat = featurizer

    def __len__(self):
        return len(self._rows)

    def __getitem__(self, i):
        text, hours, volts, cause = self._rows[i]
        ids, numeric = self._feat(text, hours, volts)
        return ids, numeric, CAUSES.index(cause)

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def collate(items):
    seqs, nums, ys = zip(*items)
    ids = nn.utils.rnn.pad_sequence(list(seqs), batch_first=True, padding_value=0)
    lengths = torch.tensor([len(s) for s in seqs])
    return ids, lengths, torch.stack(nums), torch.tensor(ys)


class GruEncoder(nn.Module):
    def __init__(self, buckets, emb_dim=16, hidden=24, bidirectional=True):
        super().__init__()
        self.hidden = hidden
        self.bidirectional = bidirectional
        self.emb = nn.Embedding(buckets, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=bidirectional)

    @property
    def width(self):
        return self.hidden * (2 if self.bidirectional else 1)

    def forward(self, ids, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.emb(ids), lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(packed)
        return torch.cat(list(h_n), dim=-1)


class FaultModel(nn.Module):
    def __init__(self, encoder, n_numeric, n_causes):
        super().__init__()
        self.encoder = encoder
        self.head = nn.Sequential(
            nn.Linear(encoder.width + n_numeric, 32), nn.ReLU(), nn.Linear(32, n_causes))

    def forward(self, ids, lengths, numeric):
        return self.head(torch.cat([self.encoder(ids, lengths), numeric], dim=-1))


def main():
    feat = TrigramFeaturizer()
    data = ReportSet(REPORTS, feat)
    model = FaultModel(GruEncoder(feat.buckets), feat.n_numeric, len(CAUSES))
    optim = torch.optim.Adam(model.parameters(), lr=1e-2)
    print(f"{len(data)} reports, encoder width {model.encoder.width}")

    order = list(range(len(data)))
    for epoch in range(4):
        random.shuffle(order)
        seen, total = 0, 0.0
        for k in range(0, len(order), 4):
            ids, lengths, numeric, y = collate([data[i] for i in order[k:k + 4]])
            loss = nn.functional.cross_entropy(model(ids, lengths, numeric), y)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item() * len(y)
            seen += len(y)
        print(f"epoch {epoch} mean loss {total / seen:.3f}")


if __name__ == "__main__":
    main()
