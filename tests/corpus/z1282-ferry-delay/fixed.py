"""Predict the delay band of a ferry sailing from the deck officer's log line.

Small hand-rolled transformer encoder, mean pooled, trained from scratch.
"""
import math
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Dict, List

import torch
from torch import nn


@dataclass(frozen=True)
class Sailing:
    route: str
    log_line: str
    delay_min: int


SAILINGS = [
    Sailing("north-isles", "loaded on time light swell", 2),
    Sailing("north-isles", "late linkspan repair before boarding", 22),
    Sailing("sound-crossing", "fog signal slow passage through narrows", 12),
    Sailing("sound-crossing", "departed on schedule calm", 0),
    Sailing("outer-route", "gale held in port until wind eased", 95),
    Sailing("outer-route", "engine alarm reset at berth", 40),
    Sailing("north-isles", "heavy freight load slow boarding", 9),
    Sailing("sound-crossing", "waiting for connecting bus passengers", 18),
]


@dataclass
class BandTask:
    # upper edges (minutes) of the delay bands used on the passenger boards
    thresholds_min: List[int] = field(default_factory=lambda: [5, 15, 30])
    num_bands: int = field(init=False)
    band_names: List[str] = field(init=False)

    def __post_init__(self):
        self.num_bands = len(self.thresholds_min) + 1
        self.band_names = [f"<= {t} min" for t in self.thresholds_min] + [f"> {self.thresholds_min[-1]} min"]

    def band_of(self, minutes: torch.Tensor) -> torch.Tensor:
        return torch.bucketize(minutes, torch.tensor(self.thresholds_min))


@dataclass
class EncoderHyper:
    d_model: int = 32
    nhead: int = 4
    dim_feedforward: int = 64
    dropout: float = 0.1
    batch_first: bool = True


class LogLineEncoder(nn.Module):
    def __init__(self, vocab: Dict[str, int], hyper: EncoderHyper, num_bands: int):
        super().__init__()
        self.vocab = vocab
        self.embed = nn.Embedding(len(vocab), hyper.d_model, padding_idx=0)
        self.block = nn.TransformerEncoderLayer(**asdict(hyper))
        self.out = nn.Linear(hyper.d_model, num_bands)
        self.scale = math.sqrt(hyper.d_model)

    def tensorize(self, lines: List[str]):
        rows = [[self.vocab.get(w, 1) for w in line.split()] for line in lines]
        width = max(len(r) for r in rows)
        ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
        return ids, ids.eq(0)

    def forward(self, lines: List[str]) -> torch.Tensor:
        ids, pad = self.tensorize(lines)
        h = self.block(self.embed(ids) * self.scale, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        return self.out((h * keep).sum(1) / keep.sum(1))


def make_vocab(lines: List[str]) -> Dict[str, int]:
    counts = Counter(w for line in lines for w in line.split())
    vocab = {"<pad>": 0, "<unk>": 1}
    for word, _ in counts.most_common():
        vocab[word] = len(vocab)
    return vocab


def main():
    random.seed(11)
    torch.manual_seed(11)
    task = BandTask()
    print("bands:", task.band_names)
    vocab = make_vocab([s.log_line for s in SAILINGS])
    model = LogLineEncoder(vocab, EncoderHyper(), task.num_bands)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(5):
        pool = SAILINGS[:]
        random.shuffle(pool)
        epoch_loss, seen = 0.0, 0
        for start in range(0, len(pool), 4):
            group = pool[start:start + 4]
            delay_band = task.band_of(torch.tensor([s.delay_min for s in group]))
            logits = model([s.log_line for s in group])
            loss = criterion(logits, delay_band)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(group)
            seen += len(group)
        print(f"epoch {epoch} mean loss {epoch_loss / seen:.4f}")

    model.eval()
    with torch.no_grad():
        guess = model([s.log_line for s in SAILINGS]).argmax(-1).tolist()
    for s, g in zip(SAILINGS, guess):
        print(f"{s.route:15s} {s.delay_min:3d} min -> {task.band_names[g]}")


if __name__ == "__main__":
    main()
