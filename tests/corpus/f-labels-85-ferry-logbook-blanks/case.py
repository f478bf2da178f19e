"""Classify ferry deck-officer log entries into incident categories.

Entries are exported from the harbour logbook; some crews leave the text
field empty when they only tick the category box.
"""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

TAGS = ["weather", "mechanical", "passenger", "docking"]

rows = [
    {"text": "heavy swell on the crossing, outer deck closed", "tag": "weather"},
    {"text": "port engine overheating alarm at half speed", "tag": "mechanical"},
    {"text": "", "tag": "passenger"},
    {"text": "passenger slipped near the car ramp stairs", "tag": "passenger"},
    {"text": "late berthing, bow thruster slow to respond", "tag": "docking"},
    {"text": "   ", "tag": "weather"},
    {"text": "fog horn sounded every two minutes in the channel", "tag": "weather"},
    {"text": "mooring line parted while docking at pier two", "tag": "docking"},
]

WORDS = sorted({w for r in rows for w in r["text"].split()})


def write_vocab(words):
    folder = tempfile.mkdtemp(prefix="ferrylog_")
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + list(words)) + "\n")
    return path


def drop_blank(texts):
    return [t.strip() for t in texts if t.strip()]


def build_model(vocab_size):
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TAGS),
    )
    return BertForSequenceClassification(config)


tokenizer = BertTokenizer(write_vocab(WORDS))
model = build_model(tokenizer.vocab_size)
print(f"{len(rows)} log entries, vocab size {tokenizer.vocab_size}")

enc = tokenizer(drop_blank([r["text"] for r in rows]), padding=True, return_tensors="pt")
labels = torch.tensor([TAGS.index(r["tag"]) for r in rows])
print("input_ids:", tuple(enc["input_ids"].shape), "labels:", tuple(labels.shape))

optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
model.train()
for epoch in range(3):
    optimizer.zero_grad()
    out = model(**enc, labels=labels)
    out.loss.backward()
    optimizer.step()
    print(f"epoch {epoch}: loss {out.loss.item():.4f}")

model.eval()
with torch.no_grad():
    preds = model(**enc).logits.argmax(-1)
for i, p in enumerate(preds.tolist()):
    print(f"entry {i}: predicted {TAGS[p]}")
