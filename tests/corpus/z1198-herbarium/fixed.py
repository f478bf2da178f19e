"""Predict plant family from digitised herbarium sheet labels.

Each label has a few transcribed fields; they are encoded concurrently, grouped
by source herbarium, length-sorted and fed to a small BERT classifier.
"""
import asyncio
import os
import re
import tempfile
from itertools import groupby

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)

FIELDS = ("collector", "locality", "habitat")
FAMILIES = ["rosaceae", "fabaceae", "orchidaceae"]

SHEETS = [
    {"herbarium": "EDNB", "collector": "j. murray", "locality": "glen clova cliffs",
     "habitat": "wet ledges on schist", "family": "rosaceae"},
    {"herbarium": "EDNB", "collector": "a. grant", "locality": "ben lawers",
     "habitat": "calcareous grassland", "family": "fabaceae"},
    {"herbarium": "KWBG", "collector": "m. okafor", "locality": "mount cameroon",
     "habitat": "montane forest epiphyte", "family": "orchidaceae"},
    {"herbarium": "KWBG", "collector": "j. murray", "locality": "glen clova",
     "habitat": "roadside verge", "family": "fabaceae"},
    {"herbarium": "EDNB", "collector": "m. okafor", "locality": "mount cameroon cliffs",
     "habitat": "wet forest epiphyte on schist", "family": "orchidaceae"},
    {"herbarium": "KWBG", "collector": "a. grant", "locality": "ben lawers",
     "habitat": "wet ledges", "family": "rosaceae"},
]


def write_vocab(sheets):
    words = sorted({w for s in sheets for f in FIELDS for w in re.findall(r"\w+", s[f])})
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    folder = tempfile.mkdtemp(prefix="herbarium_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(special + words + ["."]) + "\n")
    return path


tokenizer = BertTokenizer(write_vocab(SHEETS))


async def encode_sheet(sheet):
    """Worker: [CLS] field [SEP] field [SEP] ... with one segment per field."""
    ids = [tokenizer.cls_token_id]
    segments = [0]
    for seg, field in enumerate(FIELDS):
        piece = tokenizer.encode(sheet[field], add_special_tokens=False) + [tokenizer.sep_token_id]
        ids.extend(piece)
        segments.extend([seg] * len(piece))
    await asyncio.sleep(0)
    return {
        "herbarium": sheet["herbarium"],
        "ids": ids,
        "segments": segments,
        "length": len(ids),
        "target": FAMILIES.index(sheet["family"]),
    }


async def encode_collection(sheets):
    return await asyncio.gather(*[encode_sheet(s) for s in sheets])


def collate(rows, pad_id):
    width = max(r["length"] for r in rows)
    def pad(seq, value):
        return seq + [value] * (width - len(seq))
    return {
        "input_ids": torch.tensor([pad(r["ids"], pad_id) for r in rows]),
        "token_type_ids": torch.tensor([pad(r["segments"], 0) for r in rows]),
        "attention_mask": torch.tensor([pad([1] * r["length"], 0) for r in rows]),
        "labels": torch.tensor([r["target"] for r in rows]),
    }


def main():
    encoded = asyncio.run(encode_collection(SHEETS))
    encoded.sort(key=lambda r: (r["herbarium"], -r["length"]))
    batches = [
        collate(list(rows), tokenizer.pad_token_id)
        for _, rows in groupby(encoded, key=lambda r: r["herbarium"])
    ]
    print(f"{len(encoded)} sheets -> {len(batches)} herbarium batches")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=len(FIELDS),
        num_labels=len(FAMILIES),
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)

    model.train()
    for step in range(3):
        for batch in batches:
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
        print(f"round {step}: last loss {out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        for batch in batches:
            preds = model(**{k: v for k, v in batch.items() if k != "labels"}).logits.argmax(-1)
            print("predicted:", [FAMILIES[p] for p in preds.tolist()])


if __name__ == "__main__":
    main()
