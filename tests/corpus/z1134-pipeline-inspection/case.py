"""Severity triage for in-line inspection (pigging) notes on gas pipelines.

Small causal transformer over word ids; the representation of the last real
token of each note feeds the severity head. Notes are bucketed by length so
batches carry little padding.
"""
import random
from collections import Counter

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Sampler

random.seed(3)
torch.manual_seed(3)

SEVERITY = ["monitor", "repair_planned", "immediate"]
NOTES = [
    ("minor external corrosion at girth weld", 0),
    ("dent with metal loss near the 6 o'clock position", 2),
    ("shallow pitting cluster in coated section", 0),
    ("crack like indication at longitudinal seam requires dig", 2),
    ("wall loss of 35 percent over 200 mm", 1),
    ("lamination detected no growth since last run", 0),
    ("geometry anomaly ovality above threshold at road crossing", 1),
    ("internal corrosion 60 percent wall loss at low point", 2),
    ("coating disbondment suspected at casing", 1),
    ("manufacturing anomaly unchanged", 0),
    ("gouge on top of pipe with associated dent", 2),
    ("metal loss 20 percent near valve station", 1),
]

PAD, UNK = 0, 1


def build_vocab(texts, min_count=1):
    counts = Counter(w for t in texts for w in t.lower().split())
    itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(itos)}


def encode(text, vocab):
    return [vocab.get(w, UNK) for w in text.lower().split()]


class LengthBucketSampler(Sampler):
    """Yields batches of indices whose notes have similar lengths."""

    def __init__(self, lengths, batch_size, shuffle=True):
        self.lengths = lengths
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __iter__(self):
        order = sorted(range(len(self.lengths)), key=lambda i: self.lengths[i])
        batches = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        if self.shuffle:
            random.shuffle(batches)
        yield from batches

    def __len__(self):
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size


class PadCollate:
    def __call__(self, items):
        seqs, ys = zip(*items)
        lengths = torch.tensor([len(s) for s in seqs])
        width = int(lengths.max())
        tokens = torch.full((len(seqs), width), PAD, dtype=torch.long)
        for row, s in enumerate(seqs):
            tokens[row, : len(s)] = torch.tensor(s)
        return tokens, lengths, torch.tensor(ys)


class LastTokenClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=32, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, tokens, lengths):
        steps = tokens.size(1)
        positions = torch.arange(steps, device=tokens.device)
        x = self.tok(tokens) + self.pos(positions)[None]
        causal = torch.ones(steps, steps, dtype=torch.bool, device=tokens.device).triu(1)
        h = self.encoder(x, mask=causal, src_key_padding_mask=tokens.eq(PAD))
        last = lengths.view(-1, 1, 1).expand(-1, 1, h.size(-1))
        pooled = h.gather(1, last).squeeze(1)
        return self.head(pooled)


def main():
    vocab = build_vocab([t for t, _ in NOTES])
    data = [(encode(t, vocab), y) for t, y in NOTES]
    sampler = LengthBucketSampler([len(s) for s, _ in data], batch_size=4)
    loader = DataLoader(data, batch_sampler=sampler, collate_fn=PadCollate())

    model = LastTokenClassifier(len(vocab), len(SEVERITY))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    crit = nn.CrossEntropyLoss()
    print(f"{len(data)} notes, vocab {len(vocab)}, {len(sampler)} batches per epoch")

    for epoch in range(3):
        total, seen = 0.0, 0
        for tokens, lengths, ys in loader:
            logits = model(tokens, lengths)
            loss = crit(logits, ys)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(ys)
            seen += len(ys)
        print(f"epoch {epoch + 1}: loss {total / seen:.4f}")

    model.eval()
    with torch.no_grad():
        tokens, lengths, _ = PadCollate()(data[:3])
        print("triage:", [SEVERITY[i] for i in model(tokens, lengths).argmax(-1).tolist()])


if __name__ == "__main__":
    main()
