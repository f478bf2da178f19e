"""Build per-interval lithology vectors from drillers' daily reports: run the reports through a
small BERT encoder and average the hidden states of the rock-type tokens in each interval."""
import os
import tempfile
from functools import partial
from itertools import chain, groupby, islice
from typing import Dict, Iterable, Iterator, List, NamedTuple

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(5)

MAX_TOKENS = 16
LITHOLOGY = {"sandstone", "shale", "limestone", "siltstone", "claystone", "dolomite", "granite"}

REPORTS = [
    ("BH-07", 120, 135, "Drilled ahead in grey SHALE, minor siltstone stringers, ROP steady."),
    ("BH-07", 135, 150, "Sandstone, fine grained, good returns"),
    ("BH-07", 150, 171, "Tripped for bit at 152m, reamed tight spot, circulated bottoms up, "
                        "mud losses 3 bbl, resumed in limestone then dolomite with chert"),
    ("BH-09", 40, 55, "claystone soft, sticky, slow rop"),
    ("BH-09", 55, 60, "   "),
    ("BH-09", 60, 78, "weathered granite, hard, bit bounce"),
]

BASE_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


class Report(NamedTuple):
    well: str
    top_m: int
    base_m: int
    text: str


class Encoded(NamedTuple):
    well: str
    interval: str
    pieces: List[str]
    ids: List[int]


def read_reports(rows) -> Iterator[Report]:
    yield from (Report(*row) for row in rows)


def clean(rep: Report) -> Report:
    text = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in rep.text.lower())
    return rep._replace(text=" ".join(text.split()))


def has_text(rep: Report) -> bool:
    return bool(rep.text)


def encode(rep: Report, tok: BertTokenizer, max_tokens: int) -> Encoded:
    pieces = tok.tokenize(rep.text)
    ids = tok(rep.text, truncation=True, max_length=max_tokens)["input_ids"]
    return Encoded(rep.well, f"{rep.top_m}-{rep.base_m}m", pieces, ids)


def collate(chunk: List[Encoded], pad_id: int) -> Dict[str, torch.Tensor]:
    width = max(len(e.ids) for e in chunk)
    ids = [e.ids + [pad_id] * (width - len(e.ids)) for e in chunk]
    att = [[1] * len(e.ids) + [0] * (width - len(e.ids)) for e in chunk]
    return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(att)}


def per_well(items: Iterable[Encoded], size: int) -> Iterator[List[Encoded]]:
    for _, group in groupby(items, key=lambda e: e.well):
        it = iter(group)
        while chunk := list(islice(it, size)):
            yield chunk


def lithology_vectors(chunk: List[Encoded], hidden: torch.Tensor) -> Iterator[tuple]:
    for row, rec in enumerate(chunk):
        picked = []
        for pos, piece in enumerate(rec.pieces):
            if piece in LITHOLOGY:
                picked.append(hidden[row, pos + 1])   # +1 skips [CLS]
        if picked:
            yield rec.well, rec.interval, torch.stack(picked).mean(0)


def make_tokenizer(texts: Iterable[str]) -> BertTokenizer:
    words = sorted(set(chain.from_iterable(t.split() for t in texts)))
    path = os.path.join(tempfile.mkdtemp(prefix="drill_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(BASE_VOCAB + words) + "\n")
    return BertTokenizer(path)


def main() -> None:
    reports = list(filter(has_text, map(clean, read_reports(REPORTS))))
    tok = make_tokenizer(r.text for r in reports)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    encoder = BertModel(cfg).eval()

    encoded = map(partial(encode, tok=tok, max_tokens=MAX_TOKENS), reports)
    table = []
    with torch.no_grad():
        for chunk in per_well(encoded, size=3):
            batch = collate(chunk, pad_id=tok.pad_token_id)
            hidden = encoder(**batch).last_hidden_state
            print(f"{chunk[0].well}: {len(chunk)} intervals, hidden {tuple(hidden.shape)}")
            table.extend(lithology_vectors(chunk, hidden))

    for well, interval, vec in table:
        print(f"{well:6s} {interval:>10s}  |v|={vec.norm():.3f}")
    print(f"{len(table)} interval vectors written")


if __name__ == "__main__":
    main()
