"""Embed digitised herbarium sheet labels so near-duplicate accessions can be flagged
across partner herbaria. Small random BERT stands in for the real encoder in CI."""
import logging
import os
import re
import tempfile
from functools import partial
from itertools import groupby, islice
from typing import Iterable, Iterator, List, NamedTuple

import torch
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("herbarium")
torch.manual_seed(7)

RAW_EXPORT = """\
K|K000123|Quercus robur L. -- hedgerow nr. Kew, coll. J. Smith 1898
K|K000124|Quercus robur L. hedgerow near Kew
K|K000125|Fagus sylvatica beech wood chalk slope
E|E004410|Calluna vulgaris on open moorland
E|E004411|Calluna vulgaris moorland, peat, coll. unknown
E|E004412|Erica tetralix wet heath
E|E004413|
BM|BM88001|Salix repens dune slack
BM|BM88002|Salix repens dune slack sand coll. A. Brown 1921
"""

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
         "quercus", "robur", "fagus", "sylvatica", "calluna", "vulgaris", "erica",
         "tetralix", "salix", "repens", "hedgerow", "near", "kew", "beech", "wood",
         "chalk", "slope", "moorland", "peat", "wet", "heath", "dune", "slack", "sand",
         "open", "on", "coll", "unknown", "smith", "brown", "l"]


class Specimen(NamedTuple):
    herbarium: str
    accession: str
    label: str


class Encoded(NamedTuple):
    herbarium: str
    accession: str
    ids: List[int]


class Batch(NamedTuple):
    herbarium: str
    accessions: List[str]
    token_ids: torch.Tensor
    attention: torch.Tensor


def read_export(text: str) -> Iterator[Specimen]:
    for line in text.splitlines():
        herb, acc, label = line.split("|", 2)
        yield Specimen(herb.strip(), acc.strip(), label)


def clean_label(rec: Specimen) -> Specimen:
    label = rec.label.lower().replace("nr.", "near")
    label = re.sub(r"\b\d{4}\b", " ", label)       # drop collection years
    label = re.sub(r"[^a-z ]+", " ", label)
    return rec._replace(label=" ".join(label.split()))


def has_label(rec: Specimen) -> bool:
    return bool(rec.label)


def encode(rec: Specimen, tokenizer: BertTokenizer) -> Encoded:
    ids = tokenizer(rec.label, add_special_tokens=True)["input_ids"]
    return Encoded(rec.herbarium, rec.accession, ids)


def chunked(items: Iterable[Encoded], size: int) -> Iterator[List[Encoded]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def to_batch(chunk: List[Encoded], pad_id: int = 0) -> Batch:
    width = max(len(e.ids) for e in chunk)
    padded = [e.ids + [pad_id] * (width - len(e.ids)) for e in chunk]
    attention = [[1] * len(e.ids) + [0] * (width - len(e.ids)) for e in chunk]
    token_ids = torch.tensor(padded, dtype=torch.long)
    return Batch(chunk[0].herbarium, [e.accession for e in chunk], token_ids,
                 torch.tensor(attention, dtype=torch.long))


def batches(encoded: Iterable[Encoded], size: int) -> Iterator[Batch]:
    for herb, group in groupby(encoded, key=lambda e: e.herbarium):
        yield from map(to_batch, chunked(group, size))


def build_tokenizer() -> BertTokenizer:
    vocab_dir = tempfile.mkdtemp(prefix="herb_vocab_")
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(path)


@torch.no_grad()
def embed(model: BertModel, batch: Batch) -> torch.Tensor:
    out = model(input_ids=batch.token_ids, attention_mask=batch.attention)
    return torch.nn.functional.normalize(out.last_hidden_state[:, 0], dim=-1)


def main() -> None:
    tokenizer = build_tokenizer()
    config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64)
    model = BertModel(config).eval()

    pipeline = map(clean_label, read_export(RAW_EXPORT))
    pipeline = filter(has_label, pipeline)
    pipeline = map(partial(encode, tokenizer=tokenizer), pipeline)

    index = {}
    for batch in batches(pipeline, size=4):
        log.info("herbarium=%s n=%d shape=%s", batch.herbarium, len(batch.accessions),
                 tuple(batch.token_ids.shape))
        vecs = embed(model, batch)
        index.update(zip(batch.accessions, vecs))

    keys = sorted(index)
    sims = torch.stack([index[k] for k in keys]) @ torch.stack([index[k] for k in keys]).T
    sims.fill_diagonal_(-1.0)
    for i, a in enumerate(keys):
        j = int(sims[i].argmax())
        print(f"{a}: nearest {keys[j]} (cos={sims[i, j]:.4f})")
    print(f"indexed {len(keys)} specimens")


if __name__ == "__main__":
    main()
