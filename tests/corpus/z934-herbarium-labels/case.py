"""Guess the plant family from the transcribed text of old herbarium sheet labels.

Bag-of-words encoder + linear head, trained on a handful of transcriptions to check the
pipeline end to end before the digitisation team sends the full export.
"""
import contextlib
import functools
import random
import time
from collections import Counter

import torch
import torch.nn as nn

FAMILIES = ["Rosaceae", "Fabaceae", "Asteraceae", "Orchidaceae"]

SHEETS = [
    ("prunus spinosa hedgerow chalk downland flowers white collected april", "Rosaceae"),
    ("rosa canina scrambling in hedge hips red collected september", "Rosaceae"),
    ("lathyrus pratensis meadow grassland flowers yellow pods", "Fabaceae"),
    ("vicia cracca climbing in hedge flowers blue violet pods", "Fabaceae"),
    ("centaurea nigra rough grassland flowers purple heads", "Asteraceae"),
    ("leucanthemum vulgare roadside verge rays white heads", "Asteraceae"),
    ("ophrys apifera chalk grassland labellum bee like", "Orchidaceae"),
    ("dactylorhiza fuchsii damp meadow spotted leaves spike pink", "Orchidaceae"),
]

PAD, UNK = "<pad>", "<unk>"


@contextlib.contextmanager
def experiment(name, **settings):
    random.seed(settings["seed"])
    torch.manual_seed(settings["seed"])
    run = type("Run", (), {})()
    run.name, run.settings, run.losses = name, dict(settings), []
    print(f"[{name}] start {settings}")
    try:
        yield run
    finally:
        tail = f"{run.losses[-1]:.4f}" if run.losses else "n/a"
        print(f"[{name}] end, last loss {tail}")


@contextlib.contextmanager
def timer(what):
    start = time.time()
    try:
        yield
    finally:
        print(f"  {what}: {time.time() - start:.3f}s")


def build_vocab(texts, min_count=1):
    counts = Counter(w for t in texts for w in t.split())
    itos = [PAD, UNK] + sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(itos)}


def numericalise(vocab, text):
    return [vocab.get(w, vocab[UNK]) for w in text.split()]


def batches(rows, vocab, batch_size, shuffle=True):
    order = list(range(len(rows)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [rows[i] for i in order[start:start + batch_size]]
        seqs = [numericalise(vocab, text) for text, _ in chunk]
        width = max(len(s) for s in seqs)
        grid = torch.zeros(len(seqs), width)
        for r, s in enumerate(seqs):
            grid[r, : len(s)] = torch.tensor(s)
        fam = torch.tensor([FAMILIES.index(f) for _, f in chunk])
        yield grid, fam


class SheetClassifier(nn.Module):
    def __init__(self, n_words, dim, n_classes, pad_idx):
        super().__init__()
        self.pad_idx = pad_idx
        self.emb = nn.Embedding(n_words, dim, padding_idx=pad_idx)
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.Tanh(), nn.Linear(dim, n_classes))

    def forward(self, word_ids):
        present = (word_ids != self.pad_idx).unsqueeze(-1)
        vecs = self.emb(word_ids) * present
        pooled = vecs.sum(1) / present.sum(1).clamp(min=1)
        return self.head(pooled)


def main():
    with experiment("herbarium-family", seed=3, dim=24, batch_size=4, epochs=6, lr=5e-3) as run:
        cfg = run.settings
        with timer("encode"):
            vocab = build_vocab([t for t, _ in SHEETS])
            loader = functools.partial(batches, SHEETS, vocab, cfg["batch_size"])
        print(f"  vocab size {len(vocab)}")

        clf = SheetClassifier(len(vocab), cfg["dim"], len(FAMILIES), vocab[PAD])
        opt = torch.optim.Adam(clf.parameters(), lr=cfg["lr"])
        criterion = nn.CrossEntropyLoss()

        with timer("train"):
            for epoch in range(cfg["epochs"]):
                total = 0.0
                for word_ids, fam in loader():
                    loss = criterion(clf(word_ids), fam)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    total += loss.item()
                run.losses.append(total)
                print(f"  epoch {epoch} loss {total:.4f}")

        with timer("evaluate"):
            with torch.no_grad():
                clf.eval()
                hits = 0
                for word_ids, fam in loader(shuffle=False):
                    hits += (clf(word_ids).argmax(-1) == fam).sum().item()
                print(f"  accuracy {hits}/{len(SHEETS)}")


if __name__ == "__main__":
    main()
