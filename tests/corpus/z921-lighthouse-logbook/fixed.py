"""Lighthouse keeper logbook triage: route each entry to a maintenance category.

Bag-of-words EmbeddingBag classifier, written as numbered steps sharing a ctx dict.
"""
import re
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(921)

CATEGORY_IDS = {"lamp": 0, "lens": 1, "fog_signal": 2, "generator": 3, "structure": 4}

TRAIN_LOG = [
    ("Lamp flickered twice before dawn, replaced mantle", "lamp"),
    ("Bulb filament blackened, changed lamp at dusk", "lamp"),
    ("Salt crust on the lens panels, cleaned with spirit", "lens"),
    ("Lens rotation slowing, oiled the mercury bath bearing", "lens"),
    ("Generator would not start in the cold, primed fuel line", "generator"),
    ("Diesel generator knocking, topped up oil", "generator"),
    ("Crack in the gallery railing after the gale", "structure"),
    ("Rust streaks on tower door hinges, scraped and painted", "structure"),
]
VALID_LOG = [
    ("Foghorn compressor lost pressure overnight", "fog_signal"),
    ("Mantle soot heavy, lamp trimmed", "lamp"),
]


def tokenize(text):
    return re.findall(r"[a-z]+", text.lower())


def step_01_make_vocab(ctx):
    counts = Counter(w for text, _ in TRAIN_LOG for w in tokenize(text))
    itos = ["<unk>"] + sorted(counts)
    ctx["stoi"] = {w: i for i, w in enumerate(itos)}
    return f"{len(itos)} words"


def step_02_encode(ctx):
    def encode(rows):
        ids, offsets, cats = [], [], []
        for text, cat in rows:
            offsets.append(len(ids))
            ids.extend(ctx["stoi"].get(w, 0) for w in tokenize(text))
            cats.append(CATEGORY_IDS[cat])
        return torch.tensor(ids), torch.tensor(offsets), torch.tensor(cats)

    ctx["train"] = encode(TRAIN_LOG)
    ctx["valid"] = encode(VALID_LOG)
    return f"train tokens={ctx['train'][0].numel()} valid tokens={ctx['valid'][0].numel()}"


def step_03_count_classes(ctx):
    seen = Counter(cat for _, cat in TRAIN_LOG)
    ctx["n_classes"] = len(CATEGORY_IDS)
    for cat, n in sorted(seen.items()):
        print(f"    {cat:<10} {n}")
    return f"{ctx['n_classes']} output classes"


class LogbookClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=24):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.head = nn.Linear(dim, n_classes)

    def forward(self, ids, offsets):
        return self.head(torch.tanh(self.bag(ids, offsets)))


def step_04_build_model(ctx):
    ctx["model"] = LogbookClassifier(len(ctx["stoi"]), ctx["n_classes"])
    ctx["opt"] = torch.optim.Adam(ctx["model"].parameters(), lr=0.05)
    return "model + optimizer ready"


def step_05_train(ctx, epochs=15):
    ids, offsets, cats = ctx["train"]
    model, opt = ctx["model"], ctx["opt"]
    for epoch in range(epochs):
        model.train()
        loss = F.cross_entropy(model(ids, offsets), cats)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 5 == 0:
            print(f"    epoch {epoch:2d} loss {loss.item():.4f}")
    return f"final loss {loss.item():.4f}"


def step_06_evaluate(ctx):
    ids, offsets, cats = ctx["valid"]
    ctx["model"].eval()
    with torch.no_grad():
        pred = ctx["model"](ids, offsets).argmax(-1)
    acc = (pred == cats).float().mean().item()
    return f"valid accuracy {acc:.2f}"


STEPS = [
    step_01_make_vocab,
    step_02_encode,
    step_03_count_classes,
    step_04_build_model,
    step_05_train,
    step_06_evaluate,
]


def run_steps(ctx, steps):
    for n, step in enumerate(steps, 1):
        result = step(ctx)
        print(f"step {n:02d} {step.__name__:<22} -> {result}")


if __name__ == "__main__":
    run_steps({}, STEPS)
