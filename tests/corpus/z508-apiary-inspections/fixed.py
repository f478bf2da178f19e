"""Hive inspection notes -> colony status.

Small BERT-ish encoder trained from scratch on inspector notes. Each apiary
(site) gets its own learned bias vector because inspectors at different sites
write very differently.
"""
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

STATUSES = ["healthy", "queenless", "diseased"]

NOTES = [
    ("ridgeway", "brood pattern solid eggs seen queen marked calm bees", "healthy"),
    ("ridgeway", "no eggs no young larvae emergency cells on frame four", "queenless"),
    ("ridgeway", "sunken cappings perforated caps ropey test positive", "diseased"),
    ("millbrook", "capped brood good stores heavy queen spotted", "healthy"),
    ("millbrook", "roaring colony no brood laying workers suspected", "queenless"),
    ("millbrook", "chalkbrood mummies at entrance spotty brood", "diseased"),
    ("heathfield", "eggs and larvae present strong nectar flow", "healthy"),
    ("heathfield", "queen cells torn down no eggs for two weeks", "queenless"),
    ("heathfield", "deformed wings many mites on sticky board", "diseased"),
    ("old orchard", "good temper brood on six frames supers added", "healthy"),
    ("old orchard", "drone brood in worker cells multiple eggs per cell", "queenless"),
    ("old orchard", "nosema streaking on frames weak cluster", "diseased"),
    ("ridgeway", "queen seen laying well pollen coming in", "healthy"),
    ("heathfield", "no queen found no eggs colony agitated", "queenless"),
]

MAX_LEN = 16


class SiteIndex:
    """Maps apiary names to ids; id 0 is kept for sites we have not seen."""

    def __init__(self, names):
        self.to_idx = {name: i for i, name in enumerate(sorted(set(names)))}

    def __len__(self):
        return len(self.to_idx) + 1

    def lookup(self, name):
        # unseen sites fall back to the shared "unknown" slot
        return self.to_idx.get(name, -1) + 1


def build_vocab(texts, min_count=1):
    counts = Counter(w for t in texts for w in t.split())
    itos = ["[PAD]", "[UNK]", "[CLS]"] + sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(itos)}


def encode(text, vocab):
    ids = [vocab["[CLS]"]] + [vocab.get(w, vocab["[UNK]"]) for w in text.split()]
    ids = ids[:MAX_LEN]
    pad = MAX_LEN - len(ids)
    return ids + [vocab["[PAD]"]] * pad, [1] * len(ids) + [0] * pad


class InspectionEncoder(nn.Module):
    def __init__(self, vocab_size, n_sites, n_classes, dim=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(MAX_LEN, dim)
        self.site = nn.Embedding(n_sites, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, tokens, keep, site_ids):
        positions = torch.arange(tokens.size(1)).unsqueeze(0)
        h = self.tok(tokens) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=~keep)
        cls = h[:, 0] + self.site(site_ids)
        return self.head(cls)


def make_batches(rows, vocab, sites, batch_size=4):
    order = list(range(len(rows)))
    random.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [rows[i] for i in order[start:start + batch_size]]
        enc = [encode(text, vocab) for _, text, _ in chunk]
        yield {
            "tokens": torch.tensor([e[0] for e in enc]),
            "keep": torch.tensor([e[1] for e in enc], dtype=torch.bool),
            "site_ids": torch.tensor([sites.lookup(site) for site, _, _ in chunk]),
            "target": torch.tensor([STATUSES.index(s) for _, _, s in chunk]),
        }


def main():
    vocab = build_vocab([t for _, t, _ in NOTES])
    sites = SiteIndex([s for s, _, _ in NOTES])
    print(f"vocab={len(vocab)} sites={len(sites)} notes={len(NOTES)}")

    model = InspectionEncoder(len(vocab), len(sites), len(STATUSES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    for epoch in range(3):
        model.train()
        running, seen = 0.0, 0
        for batch in make_batches(NOTES, vocab, sites):
            target = batch.pop("target")
            logits = model(**batch)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * target.size(0)
            seen += target.size(0)
        print(f"epoch {epoch}: loss {running / seen:.4f}")

    model.eval()
    with torch.no_grad():
        probe = [("millbrook", "no eggs emergency cells queen not seen", None)]
        tokens, keep = encode(probe[0][1], vocab)
        logits = model(torch.tensor([tokens]), torch.tensor([keep], dtype=torch.bool),
                       torch.tensor([sites.lookup(probe[0][0])]))
        print("probe ->", STATUSES[logits.argmax(-1).item()])


if __name__ == "__main__":
    main()
