"""Score long borehole drilling reports for collapse risk.

Each report is split into a fixed number of chunks; every chunk is encoded
separately, tagged with a learned chunk-position embedding, and pooled.
"""
import torch
import torch.nn as nn

torch.manual_seed(0)

NUM_CHUNKS = 5
MAX_CHUNKS = 8
DIM = 32

REPORTS = [
    ("Spud at 07:10, surface casing set at 12 m. Clay to 18 m, then weathered "
     "sandstone. Minor loss of circulation at 31 m, treated with bentonite. "
     "Fractured zone 44-47 m with slow caving; hole cleaned twice. Water strike "
     "at 52 m, yield about 2 l/s. Terminated at 60 m, logging run completed.", 1),
    ("Competent granite from 4 m. No losses, penetration steady at 9 m/h. "
     "Core recovery above 95 percent through the whole run. Single joint set "
     "dipping 30 degrees, tight and clean. Hole dry to total depth. Gamma and "
     "caliper logs show no washouts. Terminated at 75 m and capped for monitoring.", 0),
    ("Sand and gravel to 22 m, running sands required temporary casing. Driller "
     "reported rods binding at 27 m and 29 m. Caliper shows enlarged hole in "
     "the silt layer. Heavy inflow at 35 m, borehole partly collapsed overnight "
     "and was redrilled. Screen installed 38-44 m with gravel pack to surface.", 1),
    ("Limestone from surface with thin marl bands. Small cavity at 16 m, about "
     "0.4 m, no loss of air. Otherwise stable walls and clean cuttings. Rest "
     "water level 11 m below ground. Pumping test 4 hours at 3 l/s with little "
     "drawdown. Completed at 48 m with slotted PVC liner and concrete seal.", 0),
]


def split_report(text, n=NUM_CHUNKS):
    target = len(text) // n
    bounds = [0]
    for k in range(1, n):
        cut = text.find(" ", k * target)
        bounds.append(cut + 1 if cut != -1 else len(text))
    bounds.append(len(text))
    chunks = []
    for k in range(n):
        start, end = bounds[k], bounds[k + 1]
        chunks.append({"text": text[start:end], "start": start, "number": k})
    return chunks


def chunk_to_ids(text, vocab=512):
    return torch.tensor([hash_byte(c) % vocab for c in text.lower()] or [0])


def hash_byte(c):
    return (ord(c) * 2654435761) & 0xFFFF


class ReportScorer(nn.Module):
    def __init__(self, vocab=512, dim=DIM):
        super().__init__()
        self.chars = nn.EmbeddingBag(vocab, dim, mode="mean")
        self.chunk_position = nn.Embedding(MAX_CHUNKS, dim)
        self.mix = nn.Sequential(nn.Linear(dim, dim), nn.Tanh())
        self.head = nn.Linear(dim, 1)

    def forward(self, chunks):
        vecs = []
        for chunk in chunks:
            ids = chunk_to_ids(chunk["text"]).unsqueeze(0)
            pos = torch.tensor([chunk["number"]])
            vecs.append(self.mix(self.chars(ids) + self.chunk_position(pos)))
        pooled = torch.cat(vecs).max(dim=0).values
        return self.head(pooled)


def main():
    model = ReportScorer()
    optim = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.BCEWithLogitsLoss()
    data = [(split_report(text), torch.tensor([float(label)])) for text, label in REPORTS]
    print(f"{len(data)} reports, chunk starts of first: {[c['start'] for c in data[0][0]]}")
    for epoch in range(5):
        total = 0.0
        for chunks, label in data:
            loss = loss_fn(model(chunks), label)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(data):.4f}")
    with torch.no_grad():
        for text, label in REPORTS:
            print(f"label {label} risk {torch.sigmoid(model(split_report(text))).item():.2f}")


if __name__ == "__main__":
    main()
