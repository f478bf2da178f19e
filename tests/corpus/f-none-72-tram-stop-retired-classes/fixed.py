"""Route tram passenger messages to the stop they mention (a small GRU classifier over stop names)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)

# the operator's stop register; retired stops keep their row so old tickets still resolve
STOP_REGISTER = [
    "Harbour Gate",
    "Old Mill (retired)",
    "Cathedral Square",
    "Market Hall",
    "Gasworks Lane (retired)",
    "University North",
    "Riverside Depot",
]

# (message, row of the stop in STOP_REGISTER)
MESSAGES = [
    ("lost umbrella at harbour gate this morning", 0),
    ("lift broken at cathedral square platform", 2),
    ("market hall ticket machine eats coins", 3),
    ("crowded at university north every evening", 5),
    ("riverside depot shelter glass smashed", 6),
    ("harbour gate display shows wrong times", 0),
    ("cathedral square stop needs more bins", 2),
    ("university north tram skipped the stop", 5),
]


def active_stops(register):
    kept = []
    for name in register:
        if not name.endswith("(retired)"):
            kept.append(name)
    return kept


def build_vocab(texts):
    vocab = {"<pad>": 0, "<unk>": 1}
    for t in texts:
        for w in t.split():
            vocab.setdefault(w, len(vocab))
    return vocab


class StopRouter(nn.Module):
    def __init__(self, n_words, n_stops, dim=24):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_stops)

    def forward(self, ids):
        _, h = self.gru(self.emb(ids))
        return self.out(h[-1])


def encode(batch, vocab, width=8):
    rows = [[vocab.get(w, 1) for w in text.split()][:width] for text, _ in batch]
    rows = [r + [0] * (width - len(r)) for r in rows]
    return torch.tensor(rows), torch.tensor([stops.index(STOP_REGISTER[row]) for _, row in batch])


stops = active_stops(STOP_REGISTER)
vocab = build_vocab(t for t, _ in MESSAGES)
model = StopRouter(len(vocab), len(stops))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
print(f"{len(stops)} active stops, {len(MESSAGES)} messages")

for epoch in range(3):
    for start in range(0, len(MESSAGES), 4):
        x, y = encode(MESSAGES[start:start + 4], vocab)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch} loss {loss.item():.3f}")
