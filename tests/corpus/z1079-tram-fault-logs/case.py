"""Small transformer encoder that tags tram depot fault logs as electrical / mechanical / software."""
import functools
import math
import random
from dataclasses import dataclass, field
from typing import Iterator, List, Protocol, Tuple

import torch
from torch import nn

random.seed(5)
torch.manual_seed(5)

MAX_POSITIONS = 32
KINDS = ["electrical", "mechanical", "software"]


@dataclass
class Ticket:
    tram: str
    summary: str
    events: List[str] = field(default_factory=list)
    kind: str = "mechanical"


class Codec(Protocol):
    limit: int
    def words_to_ids(self, words: List[str]) -> List[int]: ...


class DepotVocab:
    specials = ["<pad>", "<unk>", "<cls>", "<sep>"]

    def __init__(self, corpus: List[str], limit: int):
        seen = sorted({w for line in corpus for w in line.lower().split()})
        self.itos = self.specials + seen
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.limit = limit

    def words_to_ids(self, words: List[str]) -> List[int]:
        return [self.stoi.get(w.lower(), 1) for w in words]


@functools.singledispatch
def encode(record, codec: Codec) -> Tuple[List[int], int]:
    raise TypeError(type(record))


@encode.register
def _(record: Ticket, codec: Codec) -> Tuple[List[int], int]:
    ids = [2] + codec.words_to_ids(f"{record.tram} {record.summary}".split()) + [3]
    for ev in record.events:
        ids += codec.words_to_ids(ev.split())
    return ids, KINDS.index(record.kind)


@encode.register
def _(record: dict, codec: Codec) -> Tuple[List[int], int]:
    body = codec.words_to_ids(record["line"].split())[: codec.limit - 2]
    return [2] + body + [3], KINDS.index(record["kind"])


def batches(pairs, size: int) -> Iterator[Tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    for i in range(0, len(pairs), size):
        chunk = pairs[i:i + size]
        width = max(len(seq) for seq, _ in chunk)
        ids = torch.zeros(len(chunk), width, dtype=torch.long)
        for row, (seq, _) in enumerate(chunk):
            ids[row, :len(seq)] = torch.tensor(seq)
        yield ids, ids.eq(0), torch.tensor([k for _, k in chunk])


class FaultTagger(nn.Module):
    def __init__(self, n_vocab: int, d: int = 32, n_out: int = len(KINDS)):
        super().__init__()
        self.tok = nn.Embedding(n_vocab, d, padding_idx=0)
        self.pos = nn.Embedding(MAX_POSITIONS, d)
        layer = nn.TransformerEncoderLayer(d, nhead=4, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.out = nn.Linear(d, n_out)
        self.scale = math.sqrt(d)

    def forward(self, ids, pad):
        where = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        x = self.tok(ids) * self.scale
        x = x + self.pos(where)
        return self.out(self.enc(x, src_key_padding_mask=pad)[:, 0])


LOGS = [
    Ticket("T14", "pantograph arc at depot entry", ["arc flash", "breaker trip", "breaker reset"], "electrical"),
    {"line": "door sensor firmware hang after update, reboot cleared", "kind": "software"},
    {"line": "wheel flat detected on bogie two", "kind": "mechanical"},
    Ticket("T07", "brake pad wear", ["pad wear rear bogie", "pad replaced"], "mechanical"),
    Ticket("T22", "traction inverter fault loop",
           [f"inverter fault code {c} logged, breaker trip, breaker reset" for c in "ABCDEFG"], "electrical"),
    {"line": "passenger display frozen, software restart", "kind": "software"},
]


def self_check(vocab: DepotVocab) -> None:
    assert vocab.words_to_ids(["<pad>"]) == [0]
    assert vocab.words_to_ids(["zzzz"]) == [1]
    seq, k = encode({"line": "wheel flat", "kind": "mechanical"}, vocab)
    assert seq[0] == 2 and seq[-1] == 3 and k == 1
    ids, pad, _ = next(batches([([2, 5, 3], 0), ([2, 3], 2)], size=2))
    assert pad.tolist() == [[False, False, False], [False, False, True]]
    print("self_check: all good")


def main() -> None:
    corpus = [r["line"] if isinstance(r, dict) else " ".join([r.tram, r.summary, *r.events]) for r in LOGS]
    vocab = DepotVocab(corpus, limit=MAX_POSITIONS)
    self_check(vocab)
    data = [encode(r, vocab) for r in LOGS]
    model = FaultTagger(len(vocab.itos))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(3):
        random.shuffle(data)
        losses = []
        for ids, pad, kinds in batches(data, size=3):
            loss = nn.functional.cross_entropy(model(ids, pad), kinds)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch} mean loss {sum(losses) / len(losses):.4f}")


if __name__ == "__main__":
    main()
