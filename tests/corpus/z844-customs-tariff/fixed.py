"""Suggest HS tariff headings for free-text customs declarations.

A tiny BERT classifies goods descriptions into headings. Suggestions are only
auto-accepted when the model is confident enough; the thresholds are calibrated
per HS chapter because most headings have too few dev examples on their own.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

CHAPTERS = ["09", "61", "84", "85", "94", "95"]
HEADINGS = [
    ("0901", "09"), ("0902", "09"), ("0904", "09"),
    ("6109", "61"), ("6110", "61"), ("6104", "61"),
    ("8415", "84"), ("8450", "84"), ("8471", "84"),
    ("8516", "85"), ("8517", "85"), ("8539", "85"),
    ("9401", "94"), ("9403", "94"), ("9405", "94"),
    ("9503", "95"), ("9504", "95"), ("9506", "95"),
]
HEADING_TO_CHAPTER = torch.tensor([CHAPTERS.index(ch) for _, ch in HEADINGS])

DECLARATIONS = [
    ("roasted arabica coffee beans in bags", "0901"), ("green tea leaves loose packed", "0902"),
    ("black pepper whole dried", "0904"), ("cotton t shirts knitted mens", "6109"),
    ("wool pullovers knitted", "6110"), ("womens knitted dresses synthetic", "6104"),
    ("split air conditioner wall unit", "8415"), ("household washing machine front load", "8450"),
    ("laptop computers portable", "8471"), ("electric kettle stainless", "8516"),
    ("mobile phones smartphones", "8517"), ("led lamps bulbs", "8539"),
    ("office chairs swivel upholstered", "9401"), ("wooden bedroom furniture wardrobe", "9403"),
    ("ceiling light fittings chandelier", "9405"), ("plastic toy building blocks", "9503"),
    ("board games and playing cards", "9504"), ("tennis rackets and balls", "9506"),
]
INCOMING = [
    "decaf roasted coffee capsules", "knitted cotton polo shirts", "portable computers notebook",
    "swivel chairs for office", "led bulbs for lamps", "wooden wardrobe furniture",
    "electric water kettle", "toy blocks plastic sets",
]


def make_tokenizer(texts):
    words = sorted({w for t in texts for w in t.lower().split()})
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class HeadingClassifier(nn.Module):
    def __init__(self, vocab_size, n_headings):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, n_headings)

    def forward(self, enc):
        pooled = self.encoder(**enc).last_hidden_state[:, 0]
        return self.head(pooled)


def calibrate_chapter_thresholds(probs, gold_heading, floor=0.2):
    """Per chapter: lowest confidence among correctly predicted dev items."""
    conf, pred = probs.max(-1)
    gold_chapter = HEADING_TO_CHAPTER[gold_heading]
    thr = torch.full((len(CHAPTERS),), 1.0)
    for c in range(len(CHAPTERS)):
        ok = (gold_chapter == c) & (pred == gold_heading)
        if ok.any():
            thr[c] = max(conf[ok].min().item(), floor)
    return thr


def gate(probs, chapter_thr):
    conf, heading_pred = probs.max(-1)
    needed = chapter_thr[HEADING_TO_CHAPTER[heading_pred]]
    return heading_pred, conf, conf >= needed


tokenizer = make_tokenizer([t for t, _ in DECLARATIONS] + INCOMING)
codes = [h for h, _ in HEADINGS]
texts = [t for t, _ in DECLARATIONS]
gold = torch.tensor([codes.index(h) for _, h in DECLARATIONS])
batch = tokenizer(texts, padding=True, return_tensors="pt")

model = HeadingClassifier(tokenizer.vocab_size, len(HEADINGS))
optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
for step in range(40):
    model.train()
    loss = F.cross_entropy(model(batch), gold)
    optim.zero_grad()
    loss.backward()
    optim.step()
    if step % 10 == 0:
        print(f"step {step:02d} loss={loss.item():.3f}")

model.eval()
with torch.no_grad():
    dev_probs = model(batch).softmax(-1)
chapter_thr = calibrate_chapter_thresholds(dev_probs, gold)
print("chapter thresholds:", dict(zip(CHAPTERS, [round(x, 3) for x in chapter_thr.tolist()])))

with torch.no_grad():
    inc_probs = model(tokenizer(INCOMING, padding=True, return_tensors="pt")).softmax(-1)
heading_pred, conf, accepted = gate(inc_probs, chapter_thr)

for text, h, p, ok in zip(INCOMING, heading_pred.tolist(), conf.tolist(), accepted.tolist()):
    status = "AUTO" if ok else "REVIEW"
    print(f"[{status:6}] {codes[h]} ({p:.2f})  {text}")
print(f"auto-accepted {int(accepted.sum())}/{len(INCOMING)} declarations")
