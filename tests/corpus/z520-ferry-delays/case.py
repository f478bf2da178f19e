"""Delay-class prediction for island ferry departures.

Text of the operator's morning notice goes through a small BERT-style encoder,
and calendar context (hour of departure, weekday, season) is mixed in before
the classification head.
"""
import math
import random
from datetime import datetime

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

DELAY_CLASSES = ["on_time", "minor", "major"]
MAX_TOKENS = 16

NOTICES = [
    ("2024-01-08 06:40", "heavy swell expected on the northern crossing", 2),
    ("2024-01-09 07:15", "all sailings operating normally", 0),
    ("2024-01-12 17:30", "linkspan repair at the island pier may slow boarding", 1),
    ("2024-02-03 09:00", "gale warning issued for the sound", 2),
    ("2024-02-14 12:20", "light fog in the harbour approaches", 1),
    ("2024-03-02 08:05", "all sailings operating normally", 0),
    ("2024-03-19 18:45", "reduced crew on the evening vessel", 1),
    ("2024-04-06 10:10", "calm conditions expected all day", 0),
    ("2024-05-21 15:55", "vehicle deck inspection before departure", 1),
    ("2024-06-30 07:35", "all sailings operating normally", 0),
    ("2024-08-11 13:25", "relief vessel in service with lower capacity", 1),
    ("2024-10-27 06:50", "storm force winds forecast for the crossing", 2),
    ("2024-11-15 16:40", "swell easing through the afternoon", 1),
    ("2024-12-23 11:05", "extra sailings added for holiday traffic", 0),
]


def build_vocab(texts):
    vocab = {"[pad]": 0, "[cls]": 1, "[unk]": 2}
    for t in texts:
        for w in t.lower().split():
            vocab.setdefault(w, len(vocab))
    return vocab


def encode(text, vocab):
    ids = [vocab["[cls]"]] + [vocab.get(w, vocab["[unk]"]) for w in text.lower().split()]
    ids = ids[:MAX_TOKENS]
    pad = MAX_TOKENS - len(ids)
    return ids + [0] * pad, [False] * len(ids) + [True] * pad


def calendar_features(stamp):
    dt = datetime.strptime(stamp, "%Y-%m-%d %H:%M")
    return dt.hour, dt.timetuple().tm_yday, dt.weekday()


class NoticeEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32, heads=2, layers=1):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(MAX_TOKENS, dim)
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=64, batch_first=True)
        self.stack = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

    def forward(self, ids, pad_mask):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.stack(h, src_key_padding_mask=pad_mask)
        return h[:, 0]


class DelayModel(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=32):
        super().__init__()
        self.text = NoticeEncoder(vocab_size, dim)
        self.hour_emb = nn.Embedding(24, 8)
        self.dow_emb = nn.Embedding(7, 8)
        self.head = nn.Sequential(nn.Linear(dim + 8 + 8 + 2, 32), nn.GELU(), nn.Linear(32, n_classes))

    def forward(self, ids, pad_mask, hour, dow, season):
        parts = [self.text(ids, pad_mask), self.hour_emb(hour), self.dow_emb(dow), season]
        return self.head(torch.cat(parts, dim=-1))


def make_tensors(rows, vocab):
    cols = {"ids": [], "pad": [], "hour": [], "dow": [], "season": [], "y": []}
    for stamp, text, y in rows:
        ids, pad = encode(text, vocab)
        hour, dow, doy = calendar_features(stamp)
        angle = 2 * math.pi * doy / 365.0
        cols["ids"].append(ids)
        cols["pad"].append(pad)
        cols["hour"].append(hour)
        cols["dow"].append(dow)
        cols["season"].append([math.sin(angle), math.cos(angle)])
        cols["y"].append(y)
    return {
        "ids": torch.tensor(cols["ids"]),
        "pad": torch.tensor(cols["pad"], dtype=torch.bool),
        "hour": torch.tensor(cols["hour"]),
        "dow": torch.tensor(cols["dow"]),
        "season": torch.tensor(cols["season"], dtype=torch.float),
        "y": torch.tensor(cols["y"]),
    }


def batches(data, size):
    order = list(range(len(data["y"])))
    random.shuffle(order)
    for i in range(0, len(order), size):
        idx = torch.tensor(order[i:i + size])
        yield {k: v[idx] for k, v in data.items()}


def main():
    vocab = build_vocab(t for _, t, _ in NOTICES)
    data = make_tensors(NOTICES, vocab)
    print(f"{len(NOTICES)} notices, vocab of {len(vocab)} words")

    model = DelayModel(len(vocab), len(DELAY_CLASSES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    for epoch in range(4):
        model.train()
        total = 0.0
        for b in batches(data, size=4):
            logits = model(b["ids"], b["pad"], b["hour"], b["dow"], b["season"])
            loss = F.cross_entropy(logits, b["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")

    model.eval()
    with torch.no_grad():
        pred = model(data["ids"], data["pad"], data["hour"], data["dow"], data["season"]).argmax(-1)
    acc = (pred == data["y"]).float().mean().item()
    print(f"train accuracy {acc:.2f}")


if __name__ == "__main__":
    main()
