"""Route aviation NOTAMs to the right ops desk (runway / navaid / airspace / obstacle / lighting).

Plain training loop driven by Accelerate so the same script runs on the ops GPU box later.
"""
import os
import random
import tempfile

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(11)
random.seed(11)

DESKS = ["runway", "navaid", "airspace", "obstacle", "lighting"]

RAW_NOTAMS = [
    ("rwy 09l 27r closed due to maintenance", "runway"),
    ("ils rwy 27 glide path unserviceable", "navaid"),
    ("temporary restricted area active surface to fl 150", "airspace"),
    ("crane erected 1 nm east of threshold height 320 ft unlit", "obstacle"),
    ("approach lighting system rwy 09 unserviceable", "lighting"),
    ("vor dme out of service for flight check", "navaid"),
    ("twy b closed between a and c", "runway"),
    ("parachute jumping activity within 3 nm radius", "airspace"),
    ("wind turbine farm lighting out of service", "obstacle"),
    ("papi rwy 18 unserviceable", "lighting"),
    ("rwy 18 36 braking action poor snow", "runway"),
    ("ndb frequency changed", "navaid"),
]


def write_vocab(corpus):
    pieces = sorted({w for text, _ in corpus for w in text.split()})
    tmp = tempfile.mkdtemp(prefix="notam_tok_")
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + pieces:
            fh.write(tok + "\n")
    return vocab_path


def preprocess(example, tokenizer, max_length=40):
    text, desk = example
    enc = tokenizer(text, truncation=True, max_length=max_length)
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "desk_id": DESKS.index(desk),
    }


def notam_collate(features):
    return {
        "input_ids": torch.tensor([f["input_ids"] for f in features]),
        "attention_mask": torch.tensor([f["attention_mask"] for f in features]),
        "labels": torch.tensor([f["desk_id"] for f in features]),
    }


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = BertTokenizer(write_vocab(RAW_NOTAMS))

    encoded = [preprocess(ex, tokenizer) for ex in RAW_NOTAMS]
    accelerator.print(f"encoded {len(encoded)} NOTAMs, vocab={tokenizer.vocab_size}")

    loader = DataLoader(encoded, batch_size=4, shuffle=True, collate_fn=notam_collate)

    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(DESKS),
    )
    model = BertForSequenceClassification(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(3):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    model.eval()
    probe = tokenizer("ils rwy 09 localizer unserviceable", return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    accelerator.print(f"probe routed to desk: {DESKS[pred]}")


if __name__ == "__main__":
    main()
