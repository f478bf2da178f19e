"""Tag volcano observatory shift-log lines with the event type behind them.

Bag-of-words EmbeddingBag classifier, plain PyTorch. Runtime settings are taken
from the environment (see configure()) so the observatory cron job can override them.
"""
import os
import random
from dataclasses import dataclass, field

import torch
from torch import nn


def configure():
    os.environ.setdefault("EVENT_TYPES", "tectonic,volcanic_tremor,rockfall,explosion,lahar")
    os.environ.setdefault("NUM_CLASSES", "4")
    os.environ.setdefault("EMBED_DIM", "24")
    os.environ.setdefault("EPOCHS", "6")


def env_int(name, default=0):
    return int(os.environ.get(name, default))


def env_list(name):
    return [tok.strip() for tok in os.environ.get(name, "").split(",") if tok.strip()]


@dataclass
class RunSettings:
    event_types: list = field(default_factory=lambda: env_list("EVENT_TYPES"))
    num_classes: int = field(default_factory=lambda: env_int("NUM_CLASSES"))
    embed_dim: int = field(default_factory=lambda: env_int("EMBED_DIM", 16))
    epochs: int = field(default_factory=lambda: env_int("EPOCHS", 3))
    lr: float = 0.05


SHIFT_LOG = [
    ("sharp onset clear p and s phases deep source", "tectonic"),
    ("felt report from village strong short shaking", "tectonic"),
    ("continuous low frequency signal on summit stations", "volcanic_tremor"),
    ("harmonic tremor amplitude rising through the night", "volcanic_tremor"),
    ("emergent signal high frequency dome collapse seen on camera", "rockfall"),
    ("dust plume on east flank after small collapse", "rockfall"),
    ("infrasound pulse and ash column above crater", "explosion"),
    ("loud bang heard ash fall reported downwind", "explosion"),
    ("flow detector triggered in river channel after heavy rain", "lahar"),
    ("mud flow seen on bridge camera river level rising", "lahar"),
    ("long duration signal on river station muddy water", "lahar"),
    ("small ash column and pressure wave at crater rim", "explosion"),
]


class Vocab:
    def __init__(self, lines):
        self.itos = ["<unk>"] + sorted({w for line in lines for w in line.split()})
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, line):
        return [self.stoi.get(w, 0) for w in line.split()]

    def __len__(self):
        return len(self.itos)


class LogLineClassifier(nn.Module):
    def __init__(self, vocab_size, dim, n_out):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.out = nn.Linear(dim, n_out)

    def forward(self, flat_ids, offsets):
        return self.out(self.bag(flat_ids, offsets))


def to_bag(encoded):
    # EmbeddingBag wants one flat id tensor plus start offsets
    offsets = [0]
    for seq in encoded[:-1]:
        offsets.append(offsets[-1] + len(seq))
    flat = torch.tensor([i for seq in encoded for i in seq], dtype=torch.long)
    return flat, torch.tensor(offsets, dtype=torch.long)


def train(settings, vocab, rows):
    model = LogLineClassifier(len(vocab), settings.embed_dim, settings.num_classes)
    opt = torch.optim.SGD(model.parameters(), lr=settings.lr)
    loss_fn = nn.CrossEntropyLoss()
    type_index = {name: i for i, name in enumerate(settings.event_types)}

    for epoch in range(settings.epochs):
        random.shuffle(rows)
        total = 0.0
        for start in range(0, len(rows), 4):
            chunk = rows[start:start + 4]
            flat, offsets = to_bag([vocab.encode(text) for text, _ in chunk])
            gold = torch.tensor([type_index[kind] for _, kind in chunk])
            logits = model(flat, offsets)
            loss = loss_fn(logits, gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(chunk)
        print(f"[epoch {epoch + 1}/{settings.epochs}] loss={total / len(rows):.4f}")
    return model


def main():
    configure()
    random.seed(3)
    torch.manual_seed(3)
    settings = RunSettings()
    print("event types:", settings.event_types)
    vocab = Vocab([text for text, _ in SHIFT_LOG])
    model = train(settings, vocab, list(SHIFT_LOG))

    model.eval()
    probe = ["ash column seen above crater", "river station shows mud flow"]
    with torch.no_grad():
        flat, offsets = to_bag([vocab.encode(p) for p in probe])
        guess = model(flat, offsets).argmax(dim=1)
    for line, g in zip(probe, guess.tolist()):
        print(f"{line!r} -> {settings.event_types[g]}")


if __name__ == "__main__":
    main()
