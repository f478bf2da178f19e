"""Flag beehive inspection notes that suggest the colony has gone queenless.

A small embedding + attention-pooling model over beekeepers' free-text notes.
Word-piece ids come from a BERT tokenizer; padding positions are masked out of
the attention pooling.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer

SEED = 11
random.seed(SEED)
torch.manual_seed(SEED)

CFG = {"emb_dim": 24, "batch_size": 6, "steps": 4, "lr": 5e-3}

NOTES = [
    ("no eggs seen, queen cells capped on frame 4, bees noisy", 1),
    ("brood pattern solid, eggs present, calm colony", 0),
    ("no brood at all, roaring when opened, laying workers suspected", 1),
    ("queen spotted, marked blue, plenty of stores", 0),
    ("emergency queen cells, no young larvae, temper poor", 1),
    ("good laying pattern, drone brood at edges, supers added", 0),
    ("drone brood in worker cells, multiple eggs per cell", 1),
    ("eggs and young larvae, pollen coming in, docile", 0),
    ("queenless roar, no eggs, no queen found after two passes", 1),
    ("capped brood, queen seen on frame 6, varroa drop low", 0),
    ("no eggs, open queen cup, bees agitated", 1),
    ("healthy, eggs seen, honey flow on", 0),
]


def build_tokenizer():
    words = set()
    for text, _ in NOTES:
        for w in text.replace(",", " , ").split():
            words.add(w)
    path = os.path.join(tempfile.mkdtemp(prefix="hive_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return BertTokenizer(path)


def make_collate(tokenizer):
    def collate(rows):
        texts = [t for t, _ in rows]
        enc = tokenizer(texts, padding=True, return_tensors="pt")
        ids = enc["input_ids"]
        # padding mask: taken from the tokenizer so it lines up with the word pieces
        mask = enc["attention_mask"].bool()
        labels = torch.tensor([y for _, y in rows], dtype=torch.float)
        return ids, mask, labels
    return collate


class HivePooler(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.score = nn.Linear(dim, 1)
        self.head = nn.Linear(dim, 1)

    def forward(self, ids, mask):
        h = self.emb(ids)                              # (B, T, D)
        scores = self.score(torch.tanh(h)).squeeze(-1)  # (B, T)
        scores = scores.masked_fill(~mask, float("-inf"))
        weights = scores.softmax(dim=-1)
        pooled = torch.einsum("bt,btd->bd", weights, h)
        return self.head(pooled).squeeze(-1)


def main():
    tokenizer = build_tokenizer()
    collate = make_collate(tokenizer)
    model = HivePooler(tokenizer.vocab_size, CFG["emb_dim"])
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

    data = NOTES[:]
    for step in range(CFG["steps"]):
        random.shuffle(data)
        ids, mask, labels = collate(data[: CFG["batch_size"]])
        logits = model(ids, mask)
        loss = F.binary_cross_entropy_with_logits(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.4f}")

    with torch.no_grad():
        ids, mask, _ = collate(NOTES[:3])
        probs = torch.sigmoid(model(ids, mask))
    for (text, _), p in zip(NOTES[:3], probs.tolist()):
        print(f"{p:.2f}  {text}")


if __name__ == "__main__":
    main()
