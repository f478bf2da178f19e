"""Match hiker questions to trail-condition notes with an in-batch contrastive loss."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

TRIPLES = [
    ("is the ridge trail icy", "ridge trail has ice above the saddle", "lake loop is dry and dusty"),
    ("can dogs use the lake loop", "dogs allowed on lake loop on leash", "ridge trail closed to bikes"),
    ("is the footbridge open", "footbridge repaired and open again", "parking lot full by nine"),
    ("where to get water on canyon path", "spring at mile four on canyon path", "footbridge washed out in may"),
    ("are there bears near camp two", "bear sighting reported near camp two", "camp two has new toilets"),
    ("is the summit windy today", "summit gusts over fifty today", "canyon path shaded until noon"),
    ("does the parking lot fill early", "parking lot full by nine", "spring at mile four on canyon path"),
    ("is canyon path muddy", "canyon path muddy after rain", "summit gusts over fifty today"),
]

VOCAB = {"<pad>": 0}
for triple in TRIPLES:
    for text in triple:
        for w in text.split():
            VOCAB.setdefault(w, len(VOCAB))


def to_ids(texts):
    rows = [[VOCAB[w] for w in t.split()] for t in texts]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
    lengths = torch.tensor([len(r) for r in rows])
    return ids, lengths


class GRUEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)

    def forward(self, ids, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(ids), lengths, batch_first=True,
                                                   enforce_sorted=False)
        _, h = self.gru(packed)
        return h[-1]


class InBatchTripletLoss(nn.Module):
    """Each anchor must pick its own positive among all positives and hard negatives."""

    def __init__(self, temperature=0.1):
        super().__init__()
        self.temperature = temperature

    def forward(self, a, p, n):
        joined = F.normalize(torch.cat([a, p, n]), dim=-1)
        anchors, cands = joined[:a.size(0)], joined[a.size(0):]
        scores = anchors @ cands.T / self.temperature
        targets = torch.arange(a.size(0))
        return F.cross_entropy(scores, targets)


def batches(rows, size):
    rows = rows[:]
    random.shuffle(rows)
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def main():
    encoder = GRUEncoder(len(VOCAB))
    loss_fn = InBatchTripletLoss()
    opt = torch.optim.Adam(encoder.parameters(), lr=5e-3)
    print(f"{len(TRIPLES)} triples, vocab {len(VOCAB)}")
    for epoch in range(5):
        total = 0.0
        for batch in batches(TRIPLES, 4):
            q, pos, neg = zip(*batch)
            a = encoder(*to_ids(q))
            p = encoder(*to_ids(pos))
            n = encoder(*to_ids(neg))
            loss = loss_fn(a, p, n)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")

    with torch.no_grad():
        notes = sorted({t[1] for t in TRIPLES})
        note_vecs = F.normalize(encoder(*to_ids(notes)), dim=-1)
        q_vec = F.normalize(encoder(*to_ids([TRIPLES[0][0]])), dim=-1)
        best = (q_vec @ note_vecs.T).argmax().item()
        print(f"query: {TRIPLES[0][0]!r} -> {notes[best]!r}")


if __name__ == "__main__":
    main()
