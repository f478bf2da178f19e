"""Tag pipe-organ service log entries with the fault the tuner found.

Small BERT-style encoder written directly in torch; trained on the notes the
tuners typed into the service book, then scored on a held-out set.
"""
import enum
import logging
import random
from enum import auto
from typing import NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("organ-faults")


class Fault(enum.IntEnum):
    CIPHER = auto()
    SILENT_PIPE = auto()
    WIND_LEAK = auto()
    TUNING_DRIFT = auto()
    ACTION_NOISE = auto()


class EncoderSettings(NamedTuple):
    dim: int = 32
    heads: int = 2
    layers: int = 1
    max_len: int = 24
    lr: float = 3e-3
    epochs: int = 6


class Batch(NamedTuple):
    ids: torch.Tensor
    pad: torch.Tensor
    target: torch.Tensor


SERVICE_BOOK = [
    ("note keeps sounding after key release on great principal", "CIPHER"),
    ("swell oboe c sharp ciphers when the box is closed", "CIPHER"),
    ("low g on pedal bourdon does not speak at all", "SILENT_PIPE"),
    ("choir flute middle e silent pallet not opening", "SILENT_PIPE"),
    ("hissing from the reservoir seam under the bellows", "WIND_LEAK"),
    ("wind pressure drops when full organ is drawn leak at trunk", "WIND_LEAK"),
    ("trumpet rank flat against principal after heating came on", "TUNING_DRIFT"),
    ("mixtures out of tune with the diapason in cold weather", "TUNING_DRIFT"),
    ("loud clack from tracker when the pedal coupler is drawn", "ACTION_NOISE"),
    ("keys thump and rattle on the swell manual", "ACTION_NOISE"),
]
HELD_OUT = [
    ("great principal tenor c keeps sounding after release", "CIPHER"),
    ("pedal bourdon low g silent again", "SILENT_PIPE"),
    ("hissing near bellows seam wind pressure drops", "WIND_LEAK"),
    ("reeds flat after heating season began", "TUNING_DRIFT"),
    ("tracker clack and key rattle on swell", "ACTION_NOISE"),
]


def to_index(fault: Fault) -> int:
    return fault.value - 1


def build_vocab(texts):
    vocab = {"[PAD]": 0, "[CLS]": 1, "[UNK]": 2}
    for text in texts:
        for word in text.split():
            vocab.setdefault(word, len(vocab))
    return vocab


def encode(rows, vocab, max_len) -> Batch:
    seqs = [[1] + [vocab.get(w, 2) for w in text.split()][: max_len - 1] for text, _ in rows]
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
    target = torch.tensor([to_index(Fault[name]) for _, name in rows])
    return Batch(ids=ids, pad=ids.eq(0), target=target)


class TinyEncoder(nn.Module):
    def __init__(self, vocab_size: int, cfg: EncoderSettings, n_out: int):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, cfg.dim, padding_idx=0)
        self.pos = nn.Embedding(cfg.max_len, cfg.dim)
        layer = nn.TransformerEncoderLayer(cfg.dim, cfg.heads, dim_feedforward=cfg.dim * 2,
                                           dropout=0.1, batch_first=True)
        self.body = nn.TransformerEncoder(layer, cfg.layers, enable_nested_tensor=False)
        self.head = nn.Linear(cfg.dim, n_out)

    def forward(self, ids, pad):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        hidden = self.body(self.tok(ids) + self.pos(positions), src_key_padding_mask=pad)
        return self.head(hidden[:, 0])


def confusion_table(gold: torch.Tensor, pred: torch.Tensor) -> torch.Tensor:
    n = len(Fault)
    table = torch.zeros(n, n, dtype=torch.long)
    for g, p in zip(gold.tolist(), pred.tolist()):
        table[g, p] += 1
    return table


def main():
    random.seed(0)
    torch.manual_seed(0)
    cfg = EncoderSettings()
    vocab = build_vocab(t for t, _ in SERVICE_BOOK)
    log.info("vocab size %d, faults %s", len(vocab), [f.name for f in Fault])

    model = TinyEncoder(len(vocab), cfg, n_out=len(Fault))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    rows = list(SERVICE_BOOK)
    for epoch in range(cfg.epochs):
        random.shuffle(rows)
        model.train()
        total = 0.0
        for start in range(0, len(rows), 4):
            batch = encode(rows[start:start + 4], vocab, cfg.max_len)
            loss = F.cross_entropy(model(batch.ids, batch.pad), batch.target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        log.info("epoch %d loss %.4f", epoch, total)

    model.eval()
    test = encode(HELD_OUT, vocab, cfg.max_len)
    with torch.no_grad():
        pred = model(test.ids, test.pad).argmax(-1)
    table = confusion_table(test.target, pred)
    for fault in Fault:
        row = table[to_index(fault)]
        recall = row[to_index(fault)].item() / max(row.sum().item(), 1)
        print(f"{fault.name:<13} recall={recall:.2f} row={row.tolist()}")


if __name__ == "__main__":
    main()
