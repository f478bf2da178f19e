"""Customs tariff pre-classification: product description -> HS chapter.

Small transformer encoder trained from scratch on the broker's labelled
descriptions; we report top-1 and top-3 accuracy because the brokers get a
shortlist of three chapters in the UI.
"""
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
random.seed(7)

HS_CHAPTERS = ["03-fish", "08-fruit", "09-coffee-tea", "22-beverages", "30-pharma", "39-plastics",
               "44-wood", "61-knit-apparel", "64-footwear", "84-machinery", "85-electrical", "94-furniture"]

RECORDS = [
    ("frozen atlantic salmon fillets skin on vacuum packed", 0),
    ("chilled whole tilapia gutted on ice", 0),
    ("fresh cavendish bananas green in cartons", 1),
    ("dried medjool dates pitted retail pack", 1),
    ("roasted arabica coffee beans whole bean bags", 2),
    ("green tea leaves loose fermented", 2),
    ("sparkling mineral water glass bottles", 3),
    ("red wine from grapes in bottles 750 ml", 3),
    ("paracetamol tablets in blister packs for retail sale", 4),
    ("insulin injection pens dosed", 4),
    ("polyethylene film rolls for packaging", 5),
    ("pvc pipes rigid for plumbing", 5),
    ("sawn oak planks kiln dried", 6),
    ("plywood sheets birch veneer", 6),
    ("cotton knitted t shirts for men", 7),
    ("knitted wool pullovers for women", 7),
    ("leather upper shoes rubber soles", 8),
    ("sports footwear textile upper", 8),
    ("centrifugal water pumps electric", 9),
    ("industrial sewing machines", 9),
    ("lithium ion battery packs for laptops", 10),
    ("led lamps with electrical fittings", 10),
    ("office chairs with swivel base upholstered", 11),
    ("wooden bedroom wardrobes assembled", 11),
]
HELD_OUT = [
    ("smoked salmon slices vacuum packed", 0),
    ("instant coffee soluble in jars", 2),
    ("knitted cotton pullovers for children", 7),
    ("electric water pumps for irrigation", 9),
    ("led strip lights with fittings", 10),
    ("upholstered office sofas", 11),
    ("dried mango slices", 1),
    ("rubber sole sandals leather straps", 8),
]


class WordVocab:
    def __init__(self, texts, min_count=1):
        counts = Counter(w for t in texts for w in t.split())
        self.itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= min_count)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text):
        return [self.stoi.get(w, 1) for w in text.split()]


def make_batches(records, vocab, batch_size, shuffle):
    order = list(range(len(records)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [records[i] for i in order[start:start + batch_size]]
        encoded = [vocab.encode(text) for text, _ in chunk]
        width = max(len(e) for e in encoded)
        tokens = torch.tensor([e + [0] * (width - len(e)) for e in encoded])
        yield tokens, torch.tensor([code for _, code in chunk])


class DescriptionEncoder(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.out = nn.Linear(dim, n_classes)

    def forward(self, tokens):
        pad = tokens.eq(0)
        h = self.encoder(self.embed(tokens), src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(pooled)


def topk_accuracy(logits, gold, k):
    topk_pos = logits.topk(k, dim=-1).indices
    return (topk_pos == gold.unsqueeze(1)).any(dim=1).float().sum().item()


vocab = WordVocab([t for t, _ in RECORDS])
print(f"vocab size {len(vocab.itos)}, {len(HS_CHAPTERS)} chapters, {len(RECORDS)} training descriptions")
model = DescriptionEncoder(len(vocab.itos), len(HS_CHAPTERS))
optim = torch.optim.AdamW(model.parameters(), lr=3e-3)

for epoch in range(3):
    model.train()
    running = 0.0
    for tokens, codes in make_batches(RECORDS, vocab, batch_size=6, shuffle=True):
        loss = F.cross_entropy(model(tokens), codes)
        optim.zero_grad()
        loss.backward()
        optim.step()
        running += loss.item()
    print(f"epoch {epoch}  train loss {running:.3f}")

model.eval()
top1 = top3 = seen = 0
with torch.no_grad():
    for tokens, codes in make_batches(HELD_OUT, vocab, batch_size=4, shuffle=False):
        logits = model(tokens)
        top1 += (logits.argmax(-1) == codes).sum().item()
        top3 += topk_accuracy(logits, codes, k=3)
        seen += codes.numel()
print(f"held-out top-1 {top1 / seen:.2%}  top-3 {top3 / seen:.2%}")
