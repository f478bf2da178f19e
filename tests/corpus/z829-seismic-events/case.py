"""Event-type classifier for seismic station bulletins (quake / blast / noise).

Hacked together for the pilot with the regional network; runs on CPU via accelerate.
"""
import functools
import os
import tempfile
from typing import TypedDict

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class RunSettings(TypedDict):
    seed: int
    batch_size: int
    lr: float
    epochs: int
    max_len: int


CFG: RunSettings = {"seed": 11, "batch_size": 4, "lr": 3e-4, "epochs": 2, "max_len": 40}

EVENT_TYPES = ["earthquake", "quarry_blast", "noise"]
# station codes and unit markers that wordpiece would shred into junk
DOMAIN_TOKENS = ["<mag>", "<depth_km>", "<sta_KRV>", "<sta_OBN>", "<sta_TLK>"]

BULLETINS = [
    ("<sta_KRV> p wave arrival clear <mag> 3.1 <depth_km> 12", "earthquake"),
    ("<sta_OBN> impulsive onset daytime <mag> 1.2 <depth_km> 0", "quarry_blast"),
    ("<sta_TLK> wind gust broadband spike", "noise"),
    ("<sta_KRV> aftershock sequence <mag> 2.4 <depth_km> 9", "earthquake"),
    ("<sta_OBN> scheduled blast window <mag> 0.9 <depth_km> 0", "quarry_blast"),
    ("<sta_TLK> truck passing station", "noise"),
    ("<sta_OBN> s wave coda long <mag> 2.8 <depth_km> 15", "earthquake"),
    ("<sta_KRV> instrument recentering glitch", "noise"),
    ("  ", "noise"),
]

BASE_WORDS = [
    "p", "s", "wave", "arrival", "clear", "impulsive", "onset", "daytime", "wind", "gust", "broadband",
    "spike", "aftershock", "sequence", "scheduled", "blast", "window", "truck", "passing", "station",
    "coda", "long", "instrument", "recentering", "glitch",
] + [str(d) for d in range(10)] + ["."]


def build_tokenizer():
    # TODO: proper vocab from the bulletin archive, this is just enough for the pilot
    vocab_dir = tempfile.mkdtemp()
    vocab_path = os.path.join(vocab_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS))
    tok = BertTokenizer(vocab_path)
    added = tok.add_tokens(DOMAIN_TOKENS)
    print(f"added {added} domain tokens")
    return tok


def pad_batch(rows, tok):
    feats = [{"input_ids": r["input_ids"], "attention_mask": r["attention_mask"]} for r in rows]
    batch = tok.pad(feats, return_tensors="pt")
    batch["labels"] = torch.tensor([r["event"] for r in rows])
    return batch


def make_everything():
    tok = build_tokenizer()
    model = BertForSequenceClassification(
        BertConfig(
            vocab_size=tok.vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=len(EVENT_TYPES),
        )
    )
    # TODO: this map/filter chain should become a proper preprocessing step
    usable = filter(lambda b: b[0].strip(), BULLETINS)
    rows = list(
        map(
            lambda b: {
                **tok(b[0], truncation=True, max_length=CFG["max_len"]),
                "event": EVENT_TYPES.index(b[1]),
            },
            usable,
        )
    )
    train_rows, val_rows = rows[:6], rows[6:]
    collator = functools.partial(pad_batch, tok=tok)
    return model, tok, (train_rows, val_rows), collator


def run():
    set_seed(CFG["seed"])
    accelerator = Accelerator(cpu=True)
    model, tok, (train_rows, val_rows), collator = make_everything()
    accelerator.print(f"train={len(train_rows)} val={len(val_rows)}")

    train_dl = DataLoader(train_rows, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collator)
    val_dl = DataLoader(val_rows, batch_size=CFG["batch_size"], collate_fn=collator)
    optim = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    model, optim, train_dl, val_dl = accelerator.prepare(model, optim, train_dl, val_dl)

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch} train loss {running / (step + 1):.4f}")

        model.eval()
        hits, seen = 0, 0
        with torch.no_grad():
            for batch in val_dl:
                preds = model(**batch).logits.argmax(-1)
                hits += (preds == batch["labels"]).sum().item()
                seen += batch["labels"].numel()
        accelerator.print(f"epoch {epoch} val acc {hits / max(seen, 1):.2f}")
    # TODO: save with accelerator.save_model once we pick a bucket


if __name__ == "__main__":
    run()
