import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

MANUAL = {
    1040: "replace worn brake pads on front caliper",
    1041: "bleed air from hydraulic brake line",
    1042: "adjust derailleur limit screws for chain drop",
    1043: "true a wobbling rear wheel with spoke key",
    1044: "patch inner tube puncture and reseat tyre",
    1045: "tighten loose headset bearing cup",
    1046: "lubricate chain and clean cassette grime",
    1047: "replace frayed gear cable and housing",
    1048: "fix creaking bottom bracket shell",
    1049: "reset dynamo hub light wiring connector",
}
QUERIES = [
    ("squealing noise when braking hard", 1040), ("brake lever feels spongy", 1041),
    ("chain falls off the big ring", 1042), ("rear wheel rubs the frame", 1043),
    ("tyre goes flat overnight", 1044), ("knocking in the steering", 1045),
    ("chain squeaks and looks black", 1046), ("shifting is slow and sticky", 1047),
    ("creak every pedal stroke", 1048), ("front light flickers on bumps", 1049),
    ("brakes grind metal on metal", 1040), ("lever pulls to the bar", 1041),
    ("wheel wobbles side to side", 1043), ("puncture after every ride", 1044),
    ("gears skip under load", 1047), ("light dead after rain", 1049),
]


def build_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    return {w: i + 1 for i, w in enumerate(words)}


def encode(text, vocab):
    return torch.tensor([vocab.get(w, 0) for w in text.split()])


class TextTower(nn.Module):
    def __init__(self, vocab_size, d=32):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, d, mode="mean")
        self.proj = nn.Linear(d, d)

    def forward(self, seqs):
        offsets = torch.tensor([0] + [len(s) for s in seqs[:-1]]).cumsum(0)
        return F.normalize(self.proj(self.bag(torch.cat(seqs), offsets)), dim=-1)


def in_batch_loss(q_vecs, d_vecs, doc_ids, temperature=0.1):
    scores = q_vecs @ d_vecs.T / temperature
    return F.cross_entropy(scores, doc_ids)


def main():
    vocab = build_vocab(list(MANUAL.values()) + [q for q, _ in QUERIES])
    q_tower, d_tower = TextTower(len(vocab) + 1), TextTower(len(vocab) + 1)
    params = list(q_tower.parameters()) + list(d_tower.parameters())
    opt = torch.optim.Adam(params, lr=5e-3)
    print(f"{len(QUERIES)} query/section pairs, {len(MANUAL)} manual sections, vocab {len(vocab)}")

    for epoch in range(5):
        pairs = QUERIES[:]
        random.shuffle(pairs)
        total = 0.0
        for i in range(0, len(pairs), 8):
            batch = pairs[i:i + 8]
            q_vecs = q_tower([encode(q, vocab) for q, _ in batch])
            d_vecs = d_tower([encode(MANUAL[sid], vocab) for _, sid in batch])
            doc_ids = torch.tensor([sid for _, sid in batch])
            loss = in_batch_loss(q_vecs, d_vecs, doc_ids)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / 2:.3f}")

    with torch.no_grad():
        sids = sorted(MANUAL)
        d_all = d_tower([encode(MANUAL[s], vocab) for s in sids])
        q_all = q_tower([encode(q, vocab) for q, _ in QUERIES])
        top = (q_all @ d_all.T).argmax(dim=1)
        hits = sum(sids[t] == sid for t, (_, sid) in zip(top.tolist(), QUERIES))
    print(f"top-1 retrieval accuracy: {hits / len(QUERIES):.2f}")


if __name__ == "__main__":
    main()
