"""Triage classifier for plant incident tickets (bag-of-words + linear head)."""
import os
import random

import torch
import torch.nn as nn

os.environ.setdefault("NUM_CLASSES", "3")
os.environ.setdefault("EMBED_DIM", "32")
os.environ.setdefault("EPOCHS", "15")

torch.manual_seed(0)
random.seed(0)

SEVERITY = ["low", "moderate", "high", "critical"]

TICKETS = [
    ("conveyor belt squeaking slightly at station four", "low"),
    ("paint booth filter due for routine replacement", "low"),
    ("forklift battery charge dropping faster than usual", "moderate"),
    ("coolant leak under press three spreading slowly", "moderate"),
    ("hydraulic pressure fluctuating on stamping line", "high"),
    ("welding robot faulted twice during shift", "high"),
    ("smoke detected near main transformer room", "critical"),
    ("operator injured hand guard bypassed on press", "critical"),
    ("label printer misaligned on packing line", "low"),
    ("boiler pressure above threshold alarm active", "critical"),
    ("air compressor tripping breaker intermittently", "high"),
    ("dust extraction fan vibration increasing", "moderate"),
]


def build_vocab(texts):
    vocab = {"<pad>": 0, "<unk>": 1}
    for t in texts:
        for w in t.split():
            vocab.setdefault(w, len(vocab))
    return vocab


def encode(text, vocab, max_len=10):
    ids = [vocab.get(w, 1) for w in text.split()][:max_len]
    return ids + [0] * (max_len - len(ids))


class TicketClassifier(nn.Module):
    def __init__(self, vocab, dim, num_classes):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab, dim, mode="mean", padding_idx=0)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, ids):
        return self.head(torch.relu(self.embed(ids)))


def make_model(**kw):
    return TicketClassifier(**kw)


def main():
    vocab = build_vocab(t for t, _ in TICKETS)
    x = torch.tensor([encode(t, vocab) for t, _ in TICKETS])
    y = torch.tensor([SEVERITY.index(s) for _, s in TICKETS])
    print(f"{len(TICKETS)} tickets, vocab size {len(vocab)}")

    settings = dict(
        vocab=len(vocab),
        dim=int(os.environ.get("EMBED_DIM", "32")),
        num_classes=len(SEVERITY),
    )
    model = make_model(**settings)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(int(os.environ.get("EPOCHS", "15"))):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 4):
            idx = perm[i:i + 4]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d} loss {loss.item():.4f}")

    with torch.no_grad():
        pred = model(x).argmax(-1)
    acc = (pred == y).float().mean().item()
    print(f"train accuracy {acc:.2f}")
    print("example:", TICKETS[6][0], "->", SEVERITY[pred[6].item()])


if __name__ == "__main__":
    main()
