"""Triage seismic observatory bulletins into alert levels with a small transformer encoder."""
from __future__ import annotations

import enum
import logging
import random
from dataclasses import dataclass
from typing import Iterator, TypedDict

import torch
from torch import nn

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
logger = logging.getLogger("bulletins")


class Alert(enum.IntEnum):
    GREEN = 0
    YELLOW = 1
    ORANGE = 2
    RED = 3


class Pool(enum.IntEnum):
    CLS = 1
    CLS_MEAN = 2
    CLS_MEAN_MAX = 3


class Task(enum.Enum):
    TRIAGE = "triage"
    MAGNITUDE = "magnitude"


@dataclass(frozen=True)
class ModelSettings:
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    pool: Pool = Pool.CLS_MEAN
    dropout: float = 0.1


class BulletinBatch(TypedDict):
    tokens: torch.Tensor
    pad: torch.Tensor
    alert: torch.Tensor


BULLETINS = [
    ("minor tremor recorded no damage reported", Alert.GREEN),
    ("shallow quake felt in coastal towns light shaking", Alert.YELLOW),
    ("strong shaking buildings cracked aftershocks expected", Alert.ORANGE),
    ("major quake collapsed bridges tsunami warning issued", Alert.RED),
    ("micro swarm beneath volcano no damage reported", Alert.GREEN),
    ("moderate quake landslides on mountain roads", Alert.ORANGE),
]


def build_vocab(texts: list[str]) -> dict[str, int]:
    vocab = {"<pad>": 0, "<cls>": 1, "<unk>": 2}
    for text in texts:
        for word in text.split():
            vocab.setdefault(word, len(vocab))
    return vocab


def batches(vocab: dict[str, int], size: int) -> Iterator[BulletinBatch]:
    rows = BULLETINS[:]
    random.shuffle(rows)
    for i in range(0, len(rows), size):
        chunk = rows[i : i + size]
        seqs = [[vocab["<cls>"]] + [vocab.get(w, vocab["<unk>"]) for w in text.split()] for text, _ in chunk]
        width = max(map(len, seqs))
        tokens = torch.tensor([s + [vocab["<pad>"]] * (width - len(s)) for s in seqs])
        yield BulletinBatch(tokens=tokens, pad=tokens.eq(vocab["<pad>"]),
                            alert=torch.tensor([int(a) for _, a in chunk]))


class BulletinEncoder(nn.Module):
    def __init__(self, vocab_size: int, cfg: ModelSettings, task: Task) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(vocab_size, cfg.d_model, padding_idx=0)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=4 * cfg.d_model,
                                           dropout=cfg.dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        match task:
            case Task.TRIAGE:
                self.head = nn.Sequential(nn.Dropout(cfg.dropout), nn.Linear(cfg.d_model * cfg.pool, len(Alert)))
            case Task.MAGNITUDE:
                self.head = nn.Linear(cfg.d_model * cfg.pool, 1)

    def pool(self, h: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        keep = (~pad).unsqueeze(-1).float()
        mean = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        match self.cfg.pool:
            case Pool.CLS:
                return h[:, 0]
            case Pool.CLS_MEAN:
                return torch.cat([h[:, 0], mean], dim=-1)
            case Pool.CLS_MEAN_MAX:
                peak = h.masked_fill(pad.unsqueeze(-1), float("-inf")).amax(1)
                return torch.cat([h[:, 0], mean, peak], dim=-1)

    def forward(self, tokens: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        h = self.encoder(self.embed(tokens), src_key_padding_mask=pad)
        return self.head(self.pool(h, pad))


def train(model: BulletinEncoder, vocab: dict[str, int], epochs: int = 4) -> None:
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        total = 0.0
        for batch in batches(vocab, size=3):
            match batch:
                case {"tokens": tokens, "pad": pad, "alert": gold}:
                    loss = loss_fn(model(tokens, pad), gold)
                case _:
                    raise KeyError(f"bad batch: {list(batch)}")
            loss.backward()
            optim.step()
            optim.zero_grad()
            total += loss.item()
        logger.info("epoch %d loss %.4f", epoch, total)


def main() -> None:
    random.seed(0)
    torch.manual_seed(0)
    vocab = build_vocab([t for t, _ in BULLETINS])
    model = BulletinEncoder(len(vocab), ModelSettings(), Task.TRIAGE)
    logger.info("model has %d parameters", sum(p.numel() for p in model.parameters()))
    train(model, vocab)
    model.eval()
    with torch.no_grad():
        batch = next(batches(vocab, size=len(BULLETINS)))
        preds = model(batch["tokens"], batch["pad"]).argmax(-1)
    print("accuracy:", (preds == batch["alert"]).float().mean().item())


if __name__ == "__main__":
    main()
