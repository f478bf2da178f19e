"""Hive inspection notes -> colony health classifier (toy walkthrough).

Each step takes the shared ``ctx`` dict, adds what it produces, and hands it on.
The model is a tiny BERT built from a config, so nothing is downloaded.
"""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(20)

INSPECTION_NOTES = [
    ("[FRAME] capped brood solid , queen seen , calm bees", "healthy"),
    ("[FRAME] spotty brood , no eggs , queen not seen", "queenless"),
    ("[FRAME] chalkbrood mummies on landing board", "diseased"),
    ("[FRAME] varroa drop high , deformed wings seen", "diseased"),
    ("[FRAME] fresh eggs , larvae glistening , nectar coming in", "healthy"),
    ("[FRAME] emergency cells on frame , roaring colony", "queenless"),
]
HEALTH_CLASSES = ["healthy", "queenless", "diseased"]
BASE_WORDS = [
    "capped", "brood", "solid", "queen", "seen", "calm", "bees", "spotty", "no", "eggs",
    "not", "chalkbrood", "mummies", "on", "landing", "board", "varroa", "drop", "high",
    "deformed", "wings", "fresh", "larvae", "glistening", "nectar", "coming", "in",
    "emergency", "cells", "frame", "roaring", "colony", ",",
]


def step_01_make_vocab(ctx):
    workdir = tempfile.mkdtemp(prefix="apiary_")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    ctx["vocab_path"] = path
    ctx["base_vocab_size"] = len(vocab)
    return f"{len(vocab)} wordpieces -> {path}"


def step_02_load_tokenizer(ctx):
    tok = BertTokenizer(ctx["vocab_path"], do_lower_case=True)
    # the inspection app prefixes every note with a frame marker
    n_added = tok.add_special_tokens({"additional_special_tokens": ["[FRAME]"]})
    ctx["tokenizer"] = tok
    return f"tokenizer ready, {n_added} marker token(s) added"


def step_03_build_model(ctx):
    cfg = BertConfig(
        vocab_size=len(ctx["tokenizer"]),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(HEALTH_CLASSES),
    )
    ctx["model"] = BertForSequenceClassification(cfg)
    return f"model with {sum(p.numel() for p in ctx['model'].parameters())} params"


def step_04_encode(ctx):
    texts = [note for note, _ in INSPECTION_NOTES]
    enc = ctx["tokenizer"](texts, padding=True, return_tensors="pt")
    ctx["batch"] = dict(enc)
    ctx["targets"] = torch.tensor([HEALTH_CLASSES.index(h) for _, h in INSPECTION_NOTES])
    return f"encoded batch of shape {tuple(enc['input_ids'].shape)}"


def step_05_train(ctx):
    model = ctx["model"]
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    losses = []
    for epoch in range(3):
        out = model(**ctx["batch"], labels=ctx["targets"])
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        losses.append(round(out.loss.item(), 4))
    ctx["losses"] = losses
    return f"losses per epoch {losses}"


def step_06_predict(ctx):
    model = ctx["model"]
    model.eval()
    with torch.no_grad():
        logits = model(**ctx["batch"]).logits
    preds = logits.argmax(-1).tolist()
    for (note, gold), p in zip(INSPECTION_NOTES, preds):
        print(f"    {HEALTH_CLASSES[p]:>9} (gold {gold:>9}) | {note[:40]}")
    return "predictions printed"


STEPS = [
    step_01_make_vocab,
    step_02_load_tokenizer,
    step_03_build_model,
    step_04_encode,
    step_05_train,
    step_06_predict,
]


def run_steps(ctx, steps):
    for i, step in enumerate(steps, start=1):
        msg = step(ctx)
        print(f"[{i}/{len(steps)}] {step.__name__}: {msg}")
    return ctx


if __name__ == "__main__":
    run_steps({}, STEPS)
