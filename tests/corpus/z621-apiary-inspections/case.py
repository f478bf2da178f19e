"""Fine-tune a tiny BERT to triage beehive inspection sheets (ok / queenless / swarm-risk).
Each sheet has three free-text fields; they are packed into one sequence, one segment per field."""
import os
import tempfile
from functools import partial
from itertools import chain, islice, repeat
from typing import Dict, Iterable, Iterator, List, NamedTuple

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)

FIELDS = ("brood", "stores", "behaviour")
CLASSES = {"ok": 0, "queenless": 1, "swarm": 2}

SHEETS = [
    "H01;ok;capped brood solid pattern eggs seen;two frames honey;calm on comb",
    "H02;queenless;no eggs no young larvae;stores good;roaring loud agitated",
    "H03;swarm;queen cells on bottom bars;brood box full honey;bees festooning",
    "H04;ok;eggs and larvae present;pollen frames good;calm",
    "H05;queenless;drone brood only spotty;light stores;agitated",
    "H06;swarm;charged queen cells seen;supers full;bearding at entrance",
    "H07;ok;solid brood pattern;honey and pollen;calm quiet",
    "H08;;eggs seen;;",
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(
    "capped brood solid pattern eggs seen two frames honey calm on comb no young larvae stores good "
    "roaring loud agitated queen cells bottom bars box full bees festooning and present pollen drone "
    "only spotty light charged supers bearding at entrance quiet".split()))


class Sheet(NamedTuple):
    hive: str
    verdict: str
    fields: Dict[str, str]


class Encoded(NamedTuple):
    hive: str
    token_ids: List[int]
    segment_ids: List[int]
    target: int


def read_sheets(rows: Iterable[str]) -> Iterator[Sheet]:
    for row in rows:
        hive, verdict, *texts = row.split(";")
        yield Sheet(hive, verdict, dict(zip(FIELDS, texts)))


def is_labelled(sheet: Sheet) -> bool:
    return sheet.verdict in CLASSES


def normalise(sheet: Sheet) -> Sheet:
    return sheet._replace(fields={k: " ".join(v.lower().split()) for k, v in sheet.fields.items()})


def encode(sheet: Sheet, tok: BertTokenizer) -> Encoded:
    pieces = [tok.tokenize(sheet.fields[name]) + ["[SEP]"] for name in FIELDS]
    tokens = list(chain(["[CLS]"], *pieces))
    segments = list(chain([0], *(repeat(seg, len(p)) for seg, p in enumerate(pieces))))
    return Encoded(sheet.hive, tok.convert_tokens_to_ids(tokens), segments, CLASSES[sheet.verdict])


def pad_to(seq: List[int], width: int, value: int = 0) -> List[int]:
    return seq + [value] * (width - len(seq))


def collate(rows: List[Encoded]) -> Dict[str, torch.Tensor]:
    width = max(len(r.token_ids) for r in rows)
    return {
        "input_ids": torch.tensor([pad_to(r.token_ids, width) for r in rows]),
        "token_type_ids": torch.tensor([pad_to(r.segment_ids, width) for r in rows]),
        "attention_mask": torch.tensor([pad_to([1] * len(r.token_ids), width) for r in rows]),
        "labels": torch.tensor([r.target for r in rows]),
    }


def batched(rows: Iterable[Encoded], size: int) -> Iterator[Dict[str, torch.Tensor]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield collate(chunk)


def make_tokenizer() -> BertTokenizer:
    path = os.path.join(tempfile.mkdtemp(prefix="apiary_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.writelines(w + "\n" for w in VOCAB)
    return BertTokenizer(path)


def main() -> None:
    tok = make_tokenizer()
    cfg = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(CLASSES))
    model = BertForSequenceClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    encode_fn = partial(encode, tok=tok)
    records = list(map(encode_fn, map(normalise, filter(is_labelled, read_sheets(SHEETS)))))
    print(f"{len(records)} labelled sheets, longest={max(len(r.token_ids) for r in records)} tokens")

    model.train()
    for epoch in range(3):
        total = 0.0
        for batch in batched(records, size=4):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch}: loss={total:.4f}")

    model.eval()
    with torch.no_grad():
        preds = model(**next(batched(records, size=len(records)))).logits.argmax(-1)
    print("predictions:", preds.tolist())


if __name__ == "__main__":
    main()
