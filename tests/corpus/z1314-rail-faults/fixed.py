"""Relation tagging for railway maintenance log lines with a small transformer encoder.

Each log line has a fault mention and a component mention; the classifier reads the
encoder states at the boundary tokens of both mentions and predicts how they relate.
"""
from collections import namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

RELATIONS = ["affects", "observed_near", "no_relation"]
PAD = "<pad>"


class Span(namedtuple("Span", "start end", defaults=(None,))):
    """Word span, end exclusive like a slice; Span(i) is just word i."""
    __slots__ = ()

    def __new__(cls, start, end=None):
        return super().__new__(cls, start, start + 1 if end is None else end)


LOG = [
    {"text": "cracked weld on the rail joint", "fault": Span(0, 2), "part": Span(4, 6), "rel": "affects"},
    {"text": "worn pads on the brake unit of coach four", "fault": Span(0, 2), "part": Span(4, 6), "rel": "affects"},
    {"text": "oil leak seen beside the point motor", "fault": Span(0, 2), "part": Span(5, 7), "rel": "observed_near"},
    {"text": "ballast washout after heavy rain overnight next to the drainage culvert",
     "fault": Span(0, 2), "part": Span(9, 11), "rel": "observed_near"},
    {"text": "loose bolt on the fishplate", "fault": Span(0, 2), "part": Span(4), "rel": "affects"},
    {"text": "graffiti on the cabinet while the axle counter was fine", "fault": Span(0), "part": Span(7, 9),
     "rel": "no_relation"},
    {"text": "flat spot on the wheelset", "fault": Span(0, 2), "part": Span(4), "rel": "affects"},
    {"text": "rust near the signal post but the track circuit tested ok", "fault": Span(0), "part": Span(7, 9),
     "rel": "no_relation"},
]


def build_vocab(records):
    words = sorted({w for r in records for w in r["text"].split()})
    return {w: i for i, w in enumerate([PAD] + words)}


def make_batch(records, vocab):
    rows = [[vocab[w] for w in r["text"].split()] for r in records]
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), vocab[PAD], dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r)
    pad_positions = ids.eq(vocab[PAD])
    edges = {
        "fault_first": torch.tensor([r["fault"].start for r in records]),
        "fault_last": torch.tensor([r["fault"].end - 1 for r in records]),
        "part_first": torch.tensor([r["part"].start for r in records]),
        "part_last": torch.tensor([r["part"].end - 1 for r in records]),
    }
    gold = torch.tensor([RELATIONS.index(r["rel"]) for r in records])
    return ids, pad_positions, edges, gold


class BoundaryRelationModel(nn.Module):
    def __init__(self, vocab_size, dim=32, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(4 * dim, len(RELATIONS))

    def forward(self, ids, pad_positions, edges):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        states = self.encoder(self.tok(ids) + self.pos(positions), src_key_padding_mask=pad_positions)
        rows = torch.arange(ids.size(0))
        pieces = [states[rows, edges[k]] for k in ("fault_first", "fault_last", "part_first", "part_last")]
        return self.head(torch.cat(pieces, dim=-1))


def chunks(seq, size):
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def main():
    vocab = build_vocab(LOG)
    model = BoundaryRelationModel(len(vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    print(f"vocab={len(vocab)} lines={len(LOG)}")

    for epoch in range(4):
        total = 0.0
        for group in chunks(LOG, 4):
            ids, pad_positions, edges, gold = make_batch(group, vocab)
            logits = model(ids, pad_positions, edges)
            loss = F.cross_entropy(logits, gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")

    model.eval()
    with torch.no_grad():
        ids, pad_positions, edges, gold = make_batch(LOG, vocab)
        guess = model(ids, pad_positions, edges).argmax(-1)
    print(f"train accuracy: {(guess == gold).float().mean():.2f}")


if __name__ == "__main__":
    main()
