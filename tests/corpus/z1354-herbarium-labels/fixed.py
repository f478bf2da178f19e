"""Herbarium specimen-label routing: which curation team gets the sheet.

Quick sweep: does adding collector/determiner markers as whole tokens help a tiny
BERT that reads the OCR'd label text? Everything is rebuilt per grid point.
"""
import itertools
import os
import tempfile
from functools import partial

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

TEAMS = {"vascular": 0, "bryophyte": 1, "fungi": 2}
MARKERS = ["leg.", "det.", "s.n.", "coll.", "conf."]

SHEETS = [
    ("quercus robur leg. smith det. jones oak woodland edge", "vascular"),
    ("sphagnum palustre coll. 1412 raised bog hummock", "bryophyte"),
    ("amanita muscaria leg. brown under birch s.n.", "fungi"),
    ("carex nigra det. evans conf. wet flush upland", "vascular"),
    ("polytrichum commune leg. smith on peat bank", "bryophyte"),
    ("boletus edulis coll. 88 mixed woodland floor", "fungi"),
    ("ranunculus acris s.n. hay meadow roadside verge", "vascular"),
    ("hypnum cupressiforme det. jones on tree trunk", "bryophyte"),
]

BASE_WORDS = sorted({w for text, _ in SHEETS for w in text.split() if w not in MARKERS}
                    | {"leg", "det", "s", "n", "coll", "conf", "."})


def make_tokenizer(workdir, add_markers):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS) + "\n")
    tok = BertTokenizer(vocab_path)
    if add_markers:
        tok.add_tokens(MARKERS)
    return tok


def collate(rows, tokenizer, max_len):
    texts, teams = zip(*rows)
    batch = tokenizer(list(texts), padding=True, truncation=True,
                      max_length=max_len, return_tensors="pt")
    batch["labels"] = torch.tensor([TEAMS[t] for t in teams])
    return batch


def build_classifier(tokenizer):
    cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TEAMS),
    )
    return BertForSequenceClassification(cfg)


def sweep_point(workdir, max_len, add_markers, epochs=1):
    tok = make_tokenizer(workdir, add_markers)
    loader = DataLoader(SHEETS, batch_size=4, shuffle=True,
                        collate_fn=partial(collate, tokenizer=tok, max_len=max_len))
    model = build_classifier(tok)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    seen = 0
    for _ in range(epochs):
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            seen += batch["input_ids"].size(0)
    return {"max_len": max_len, "markers": add_markers, "vocab": len(tok),
            "seen": seen, "loss": round(out.loss.item(), 4)}


def main():
    workdir = tempfile.mkdtemp(prefix="herbarium_")
    results = []
    for max_len, add_markers in itertools.product([24, 32], [False, True]):
        print(f"-- max_len={max_len} add_markers={add_markers}")
        results.append(sweep_point(workdir, max_len, add_markers))

    header = list(results[0])
    print("\t".join(header))
    for row in results:
        print("\t".join(str(row[k]) for k in header))


if __name__ == "__main__":
    main()
