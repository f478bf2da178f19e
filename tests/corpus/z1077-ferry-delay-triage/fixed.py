"""Bucket ferry crossing reports into delay classes with a small bag-of-words model."""
import bisect
import functools
import random
import re
from dataclasses import dataclass
from typing import Dict, List, Protocol, Tuple

import torch
from torch import nn

random.seed(11)
torch.manual_seed(11)

# minutes late at which a crossing moves into the next delay class
DELAY_EDGES = [5, 20, 60]
DELAY_LABELS = ["on_time", "minor", "major", "severe"]


@dataclass
class Ticket:
    route: str
    report: str
    delay_class: str


class Vectorizer(Protocol):
    def ids(self, text: str) -> List[int]: ...
    @property
    def size(self) -> int: ...


class WordIndex:
    """Closed vocabulary built from the training reports; id 0 is reserved for unknown words."""

    def __init__(self, texts: List[str]):
        words = sorted({w for t in texts for w in self.split(t)})
        self.table = {w: i + 1 for i, w in enumerate(words)}

    @staticmethod
    def split(text: str) -> List[str]:
        return re.findall(r"[a-z]+", text.lower())

    def ids(self, text: str) -> List[int]:
        return [self.table.get(w, 0) for w in self.split(text)] or [0]

    @property
    def size(self) -> int:
        return len(self.table) + 1


@functools.singledispatch
def encode(record, vec: Vectorizer) -> Tuple[List[int], int]:
    raise TypeError(f"unsupported record {record!r}")


@encode.register
def _(record: Ticket, vec: Vectorizer) -> Tuple[List[int], int]:
    return vec.ids(f"{record.route} {record.report}"), DELAY_LABELS.index(record.delay_class)


@encode.register
def _(record: dict, vec: Vectorizer) -> Tuple[List[int], int]:
    bucket = bisect.bisect_right(DELAY_EDGES, record["delay_min"])
    return vec.ids(record["log"]), bucket


def to_batch(pairs: List[Tuple[List[int], int]]) -> Dict[str, torch.Tensor]:
    flat, offsets = [], []
    for toks, _ in pairs:
        offsets.append(len(flat))
        flat.extend(toks)
    return {"text": torch.tensor(flat), "offsets": torch.tensor(offsets),
            "target": torch.tensor([y for _, y in pairs])}


class DelayModel(nn.Module):
    def __init__(self, vocab_size: int, n_classes: int, dim: int = 24):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.out = nn.Sequential(nn.ReLU(), nn.Linear(dim, n_classes))

    def forward(self, text, offsets):
        return self.out(self.bag(text, offsets))


def self_check(vec: WordIndex) -> None:
    assert vec.ids("zzzz qqqq") == [0, 0]
    assert max(vec.ids("fog harbour")) < vec.size
    assert encode(Ticket("north", "fog", "minor"), vec)[1] == 1
    b = to_batch([([1, 2], 0), ([3], 1)])
    assert b["offsets"].tolist() == [0, 2] and b["text"].numel() == 3
    print("self_check passed")


DATA = [
    Ticket("island loop", "dense fog in harbour, reduced speed", "minor"),
    {"log": "departed on schedule calm sea", "delay_min": 2},
    {"log": "engine alarm, returned to berth, passengers transferred", "delay_min": 95},
    Ticket("north crossing", "ramp fault at terminal", "major"),
    {"log": "late vehicle loading queue", "delay_min": 12},
    Ticket("island loop", "calm sea on schedule", "on_time"),
    {"log": "storm swell, crossing held at terminal", "delay_min": 41},
    Ticket("east ferry", "crew shortage, sailing cancelled then reinstated", "severe"),
]


def main() -> None:
    texts = [d.report if isinstance(d, Ticket) else d["log"] for d in DATA]
    vec = WordIndex(texts + [d.route for d in DATA if isinstance(d, Ticket)])
    self_check(vec)
    encoded = [encode(d, vec) for d in DATA]
    model = DelayModel(vec.size, n_classes=len(DELAY_EDGES) + 1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    crit = nn.CrossEntropyLoss()
    print(f"{len(encoded)} reports, vocab {vec.size}")
    for epoch in range(5):
        random.shuffle(encoded)
        running = 0.0
        for i in range(0, len(encoded), 4):
            batch = to_batch(encoded[i:i + 4])
            loss = crit(model(batch["text"], batch["offsets"]), batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: loss={running:.3f}")


if __name__ == "__main__":
    main()
