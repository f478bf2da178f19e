"""Flag ferry freight manifest lines for a customs hold.

Each manifest line has three free-text fields (vessel/route, cargo, remarks).
We pack them into one sequence, one segment per field, and run them through a
small BERT encoder + linear head. Results go into a queue that a reporter drains.
"""
import itertools
import os
import queue
import tempfile
import time
from typing import Dict, Iterator, List, NamedTuple

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

MANIFEST_FIELDS = ("route", "cargo", "remarks")
WORDS = (
    "[PAD] [UNK] [CLS] [SEP] [MASK] mv skagen hirtshals larvik kiel oslo to from via "
    "pallets of frozen fish machine parts livestock sheep tyres used battery lithium "
    "chemicals drums empty reefer trailer unaccompanied driver onboard seal broken intact "
    "late booking declared undeclared weight over under paperwork missing ok"
).split()

MANIFEST = [
    {"route": "mv skagen hirtshals to larvik", "cargo": "pallets of frozen fish", "remarks": "reefer seal intact"},
    {"route": "mv skagen larvik to hirtshals", "cargo": "used tyres", "remarks": "trailer unaccompanied paperwork missing"},
    {"route": "kiel to oslo", "cargo": "lithium battery drums", "remarks": "undeclared weight over"},
    {"route": "oslo to kiel via larvik", "cargo": "livestock sheep", "remarks": "driver onboard ok"},
    {"route": "mv skagen kiel to oslo", "cargo": "chemicals drums empty", "remarks": "late booking seal broken"},
]


class ManifestLine(NamedTuple):
    line_no: int
    fields: Dict[str, str]


class PackedLine(NamedTuple):
    line_no: int
    token_ids: List[int]
    segment_ids: List[int]


class Timed:
    """Tiny timing helper, prints on exit."""

    def __init__(self, what):
        self.what = what

    def __enter__(self):
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc):
        print(f"[timing] {self.what}: {(time.monotonic() - self.start) * 1000:.1f} ms")
        return False


class HoldClassifier(nn.Module):
    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, 2)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0])


def make_tokenizer():
    folder = tempfile.mkdtemp(prefix="manifest_tok_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.writelines(w + "\n" for w in WORDS)
    return BertTokenizer(path)


def manifest_lines(rows) -> Iterator[ManifestLine]:
    for n, row in enumerate(rows, start=1):
        yield ManifestLine(n, row)


def pack(lines: Iterator[ManifestLine], tok) -> Iterator[PackedLine]:
    for line in lines:
        pieces, segs = [[tok.cls_token_id]], [[0]]
        for seg_no, field in enumerate(MANIFEST_FIELDS):
            ids = tok.convert_tokens_to_ids(tok.tokenize(line.fields.get(field, "")))
            pieces.append(ids + [tok.sep_token_id])
            segs.append([seg_no] * (len(ids) + 1))
        yield PackedLine(line.line_no, list(itertools.chain(*pieces)), list(itertools.chain(*segs)))


def batched(packed: Iterator[PackedLine], size: int, pad_id: int) -> Iterator[tuple]:
    while True:
        group = list(itertools.islice(packed, size))
        if not group:
            return
        width = max(len(p.token_ids) for p in group)
        input_ids = torch.full((len(group), width), pad_id, dtype=torch.long)
        token_type_ids = torch.zeros_like(input_ids)
        for i, p in enumerate(group):
            input_ids[i, : len(p.token_ids)] = torch.tensor(p.token_ids)
            token_type_ids[i, : len(p.segment_ids)] = torch.tensor(p.segment_ids)
        yield [p.line_no for p in group], input_ids, token_type_ids, (input_ids != pad_id).long()


def main():
    tok = make_tokenizer()
    cfg = BertConfig(vocab_size=len(WORDS), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128, type_vocab_size=len(MANIFEST_FIELDS))
    model = HoldClassifier(cfg).eval()
    results: "queue.Queue[tuple]" = queue.Queue()

    with Timed("manifest scoring"):
        for line_nos, input_ids, token_type_ids, attn in batched(pack(manifest_lines(MANIFEST), tok), 2, tok.pad_token_id):
            with torch.no_grad():
                p_hold = model(input_ids, token_type_ids, attn).softmax(-1)[:, 1]
            for n, p in zip(line_nos, p_hold.tolist()):
                results.put((n, p))

    print("line  p(hold)")
    while not results.empty():
        n, p = results.get()
        print(f"{n:>4}  {p:.3f}{'  HOLD' if p > 0.5 else ''}")


if __name__ == "__main__":
    main()
