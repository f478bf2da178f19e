"""Token tagger for ice-core logging sheets.

Field loggers write short lines like "ash band at 212.4 m faint" per borehole.
We tag every word (depth / layer type / qualifier / other) with a small GRU
tagger, trained online from a stream of annotated lines, borehole by borehole.
"""
import itertools
import time
from collections import deque
from typing import Dict, Iterator, List, NamedTuple

import torch
import torch.nn as nn

torch.manual_seed(3)

TAGS = ["O", "DEPTH", "LAYER", "QUAL", "UNIT"]
PAD_TAG = -100

ANNOTATED = [
    ("EGRIP-2", "ash band at 212.4 m faint", "LAYER LAYER O DEPTH UNIT QUAL"),
    ("EGRIP-2", "dust layer 213.0 m", "LAYER LAYER DEPTH UNIT"),
    ("EGRIP-2", "clear ice with bubbles below 214 m", "QUAL LAYER O LAYER O DEPTH UNIT"),
    ("EGRIP-2", "melt layer at 215.7 m thick", "LAYER LAYER O DEPTH UNIT QUAL"),
    ("NEEM-1", "tephra 88.2 m", "LAYER DEPTH UNIT"),
    ("NEEM-1", "faint dust band near 90 m", "QUAL LAYER LAYER O DEPTH UNIT"),
    ("NEEM-1", "brittle zone from 91.5 m to 93 m", "QUAL LAYER O DEPTH UNIT O DEPTH UNIT"),
]


class Annotated(NamedTuple):
    borehole: str
    words: List[str]
    tags: List[str]


class Encoded(NamedTuple):
    borehole: str
    word_ids: List[int]
    tag_ids: List[int]


class Clock:
    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self.t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t
        print(f"  [{self.name}] {self.seconds * 1e3:.1f} ms")
        return False


class StrataTagger(nn.Module):
    def __init__(self, vocab_size: int, n_tags: int, dim: int = 32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * dim, n_tags)

    def forward(self, word_ids):
        states, _ = self.rnn(self.embed(word_ids))
        return self.proj(states)


def word_shape(w: str) -> str:
    # numbers all look alike to the tagger
    return "<num>" if w.replace(".", "", 1).isdigit() else w.lower()


def build_vocab(rows) -> Dict[str, int]:
    vocab = {"<pad>": 0, "<unk>": 1}
    for _, text, _ in rows:
        for w in text.split():
            vocab.setdefault(word_shape(w), len(vocab))
    return vocab


def parse(rows) -> Iterator[Annotated]:
    for borehole, text, tagline in rows:
        words, tags = text.split(), tagline.split()
        assert len(words) == len(tags), text
        yield Annotated(borehole, words, tags)


def encode(items: Iterator[Annotated], vocab: Dict[str, int]) -> Iterator[Encoded]:
    tag_index = {t: i for i, t in enumerate(TAGS)}
    for it in items:
        yield Encoded(it.borehole, [vocab.get(word_shape(w), 1) for w in it.words], [tag_index[t] for t in it.tags])


def minibatches(encoded: Iterator[Encoded], size: int):
    for borehole, grp in itertools.groupby(encoded, key=lambda e: e.borehole):
        for chunk in iter(lambda: list(itertools.islice(grp, size)), []):
            width = max(len(e.word_ids) for e in chunk)
            word_ids = torch.tensor([e.word_ids + [0] * (width - len(e.word_ids)) for e in chunk])
            strata_tags = torch.tensor([e.tag_ids + [PAD_TAG] * (width - len(e.tag_ids)) for e in chunk])
            yield borehole, word_ids, strata_tags


def main(epochs: int = 3):
    vocab = build_vocab(ANNOTATED)
    tagger = StrataTagger(len(vocab), len(TAGS))
    optim = torch.optim.Adam(tagger.parameters(), lr=1e-2)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD_TAG)
    running = deque(maxlen=5)  # smoothed loss for the console

    print(f"vocab={len(vocab)} tags={TAGS}")
    for epoch in range(epochs):
        stream = minibatches(encode(parse(ANNOTATED), vocab), size=4)
        with Clock(f"epoch {epoch}"):
            for borehole, word_ids, strata_tags in stream:
                emissions = tagger(word_ids)
                loss = criterion(emissions.transpose(1, 2), strata_tags)
                optim.zero_grad()
                loss.backward()
                optim.step()
                running.append(loss.item())
                print(f"  {borehole:<8} batch={tuple(word_ids.shape)} loss={sum(running) / len(running):.4f}")

    tagger.eval()
    with torch.no_grad():
        probe = "dust band at 301.2 m faint".split()
        ids = torch.tensor([[vocab.get(word_shape(w), 1) for w in probe]])
        pred = tagger(ids).argmax(-1)[0].tolist()
    print(" ".join(f"{w}/{TAGS[p]}" for w, p in zip(probe, pred)))


if __name__ == "__main__":
    main()
