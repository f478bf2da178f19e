"""Predict administration route from pharmacy "sig" lines (the directions printed on the label).

Prescribers write in Latin shorthand (bid, q4h, prn, ...). WordPiece would shred those into
single letters, so they are registered as whole tokens before training.
"""
import functools
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)

ROUTES = {"oral": 0, "topical": 1, "inhaled": 2, "injection": 3}

SIG_LINES = [
    ("take 1 tab po bid with food", "oral"),
    ("apply thin layer to affected area tid", "topical"),
    ("inhale 2 puffs q4h prn wheeze", "inhaled"),
    ("inject 10 units subq qhs", "injection"),
    ("take 2 caps po qid x 7 days", "oral"),
    ("apply to rash bid prn itch", "topical"),
    ("inhale 1 puff bid rinse mouth after", "inhaled"),
    ("inject 1 ml im once", "injection"),
]

BASE_WORDS = ("take apply inhale inject tab caps puff ##s units ml with food thin layer to affected "
              "area wheeze rash itch rinse mouth after once x days 1 2 7 10").split()
SIG_ABBREVIATIONS = ["po", "bid", "tid", "qid", "q4h", "qhs", "prn", "subq", "im"]


def build_tokenizer():
    workdir = tempfile.mkdtemp(prefix="sig_tok_")
    vfile = os.path.join(workdir, "vocab.txt")
    with open(vfile, "w", encoding="utf-8") as out:
        for piece in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS:
            print(piece, file=out)
    tok = BertTokenizer(vfile)
    added = tok.add_tokens(SIG_ABBREVIATIONS)
    print(f"registered {added} sig abbreviations")
    return tok


def collate(rows, tokenizer, max_len):
    texts, routes = zip(*rows)
    enc = tokenizer(list(texts), padding="longest", truncation=True, max_length=max_len,
                    return_tensors="pt")
    enc["labels"] = torch.tensor([ROUTES[r] for r in routes])
    return dict(enc)


def make_model(tok):
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
        num_labels=len(ROUTES),
    )
    return BertForSequenceClassification(cfg)


def run_epoch(model, loader, optimizer):
    model.train()
    total, seen = 0.0, 0
    for batch in loader:
        out = model(**batch)
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
        total += out.loss.item() * batch["labels"].size(0)
        seen += batch["labels"].size(0)
    return total / seen


def main():
    tok = build_tokenizer()
    model = make_model(tok)
    loader = DataLoader(SIG_LINES, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate, tokenizer=tok, max_len=24))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

    for epoch in range(3):
        avg = run_epoch(model, loader, optimizer)
        print(f"epoch {epoch + 1} mean loss {avg:.4f}")

    model.eval()
    inv = {v: k for k, v in ROUTES.items()}
    with torch.no_grad():
        q = tok(["inhale 2 puffs bid"], return_tensors="pt")
        print("route:", inv[model(**q).logits.argmax(-1).item()])


if __name__ == "__main__":
    main()
