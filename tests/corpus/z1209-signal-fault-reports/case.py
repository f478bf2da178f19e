"""Route railway signal fault reports to the right maintenance crew.

Small from-scratch transformer encoder over whitespace tokens; reports are
kept in sqlite so the same store can be queried by the ops dashboard.
"""
import sqlite3
from dataclasses import dataclass
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

CREWS = ["electrical", "mechanical", "telecoms"]

REPORTS = [
    ("train", "lamp out on signal four", "electrical"),
    ("train", "track circuit showing occupied with no train", "electrical"),
    ("train", "point motor stiff and slow to lock", "mechanical"),
    ("train", "signal arm bent after storm", "mechanical"),
    ("train", "radio link to box dropping every hour", "telecoms"),
    ("train", "axle counter comms fault reported", "telecoms"),
    ("train", "fuse blown in location cabinet", "electrical"),
    ("train", "point blades not closing fully", "mechanical"),
    ("eval", "lamp flickering on signal two", "electrical"),
    ("eval", "driver reports the radio link to the box keeps dropping out near the tunnel mouth "
             "and the axle counter at the junction also shows a comms fault every time it rains", "telecoms"),
    ("eval", "point motor slow to lock", "mechanical"),
]


@dataclass
class Report:
    text: str
    crew_id: int


class FaultEncoder(nn.Module):
    def __init__(self, vocab_size, n_positions, n_classes, dim=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(n_positions, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, ids, pad):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=pad)
        return self.head(h[:, 0])


def load_db():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE crews (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("CREATE TABLE reports (split TEXT, body TEXT, n_words INTEGER, crew TEXT)")
    db.executemany("INSERT INTO crews VALUES (?, ?)", list(enumerate(CREWS)))
    db.executemany(
        "INSERT INTO reports VALUES (?, ?, ?, ?)",
        [(s, b, len(b.split()), c) for s, b, c in REPORTS],
    )
    return db


def read_split(db, split):
    q = """SELECT r.body, c.id FROM reports r JOIN crews c ON c.name = r.crew
           WHERE r.split = ? ORDER BY r.rowid"""
    return [Report(body, cid) for body, cid in db.execute(q, (split,))]


def encode(report, vocab):
    return [vocab["[CLS]"]] + [vocab.get(w, vocab["[UNK]"]) for w in report.text.split()]


def collate(batch, vocab):
    seqs = [encode(r, vocab) for r in batch]
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
    return ids, ids.eq(0), torch.tensor([r.crew_id for r in batch])


def batches(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def main():
    db = load_db()
    words = sorted({w for (b,) in db.execute("SELECT body FROM reports WHERE split = 'train'") for w in b.split()})
    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]"] + words)}
    longest = db.execute("SELECT MAX(n_words) FROM reports WHERE split = 'train'").fetchone()[0]
    max_len = longest + 1  # room for [CLS]
    n_crews = db.execute("SELECT COUNT(*) FROM crews").fetchone()[0]
    print(f"vocab {len(vocab)}, max_len {max_len}, crews {n_crews}")

    model = FaultEncoder(len(vocab), max_len, n_crews)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    to_batch = partial(collate, vocab=vocab)

    train = read_split(db, "train")
    for epoch in range(4):
        total = 0.0
        for chunk in batches(train, 4):
            ids, pad, y = to_batch(chunk)
            loss = F.cross_entropy(model(ids, pad), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")

    model.eval()
    evaluation = read_split(db, "eval")
    correct = 0
    with torch.no_grad():
        for chunk in batches(evaluation, 2):
            ids, pad, y = to_batch(chunk)
            correct += (model(ids, pad).argmax(-1) == y).sum().item()
    print(f"eval accuracy {correct}/{len(evaluation)}")


if __name__ == "__main__":
    main()
