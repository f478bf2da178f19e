import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from torch.utils.data import DataLoader, Dataset

SETTINGS = yaml.safe_load("""
seed: 7
data:
  n_products: 240
  min_title_words: 3
  max_title_words: 9
  min_freq: 1
model:
  emb_dim: 48
  hidden: 64
  dropout: 0.1
train:
  batch_size: 16
  epochs: 2
  lr: 0.002
""")

CATEGORIES = ["dresses", "jeans", "sneakers", "jackets", "tops"]
WORDS = {
    "dresses": ["midi", "maxi", "wrap", "floral", "slip", "satin", "dress"],
    "jeans": ["skinny", "straight", "denim", "high", "rise", "jean", "bootcut"],
    "sneakers": ["low", "top", "leather", "runner", "sneaker", "trainer", "canvas"],
    "jackets": ["puffer", "bomber", "quilted", "parka", "jacket", "hooded", "rain"],
    "tops": ["crop", "tank", "ribbed", "tee", "blouse", "linen", "cami"],
}
SHARED = ["black", "white", "navy", "organic", "cotton", "oversized", "relaxed", "slim", "fit"]
FITS = ["runs_small", "true_to_size", "runs_large"]

random.seed(SETTINGS["seed"])
np.random.seed(SETTINGS["seed"])
torch.manual_seed(SETTINGS["seed"])


def synth_catalog(n):
    rows = []
    for i in range(n):
        cat = random.choice(CATEGORIES)
        k = random.randint(SETTINGS["data"]["min_title_words"], SETTINGS["data"]["max_title_words"])
        words = [random.choice(WORDS[cat] + SHARED) for _ in range(k)]
        rows.append({"sku": f"SKU-{i:05d}", "title": " ".join(words),
                     "category": cat, "fit": random.choice(FITS)})
    return rows


class Vocab:
    PAD, UNK = "<pad>", "<unk>"

    def __init__(self, titles, min_freq=1):
        counts = Counter(w for t in titles for w in t.lower().split())
        self.itos = [self.PAD, self.UNK] + sorted(w for w, c in counts.items() if c >= min_freq)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, title):
        return [self.stoi.get(w, 1) for w in title.lower().split()]


class TitleDataset(Dataset):
    def __init__(self, rows, vocab):
        self.rows = rows
        self.vocab = vocab
        self.cat2id = {c: i for i, c in enumerate(CATEGORIES)}
        self.fit2id = {f: i for i, f in enumerate(FITS)}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        r = self.rows[idx]
        return self.vocab.encode(r["title"]), self.cat2id[r["category"]], self.fit2id[r["fit"]]


def pad_titles(items):
    seqs, cats, fits = zip(*items)
    longest = max(len(s) for s in seqs)
    ids = [s + [0] * (longest - len(s)) for s in seqs]
    pad_mask = [[0] * len(s) + [1] * (longest - len(s)) for s in seqs]
    return {
        "input_ids": torch.tensor(ids, dtype=torch.long),
        "pad_mask": torch.tensor(pad_mask, dtype=torch.bool),
        "category": torch.tensor(cats),
        "fit": torch.tensor(fits),
    }


class TitleEncoder(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        d, h = cfg["emb_dim"], cfg["hidden"]
        self.p_drop = cfg["dropout"]
        self.blocks = nn.ModuleDict({
            "embed": nn.Embedding(vocab_size, d, padding_idx=0),
            "proj": nn.Linear(d, h),
            "score": nn.Linear(h, 1),
            "category_head": nn.Linear(h, len(CATEGORIES)),
            "fit_head": nn.Linear(h, len(FITS)),
        })

    def pool(self, hidden, pad_mask):
        scores = self.blocks["score"](hidden).squeeze(-1)
        scores = scores.masked_fill(pad_mask, float("-inf"))
        weights = F.softmax(scores, dim=-1)
        return torch.bmm(weights.unsqueeze(1), hidden).squeeze(1)

    def forward(self, input_ids, pad_mask):
        x = self.blocks["embed"](input_ids)
        x = F.dropout(x, p=self.p_drop, training=self.training)
        hidden = F.gelu(self.blocks["proj"](x))
        pooled = self.pool(hidden, pad_mask)
        return {
            "category": self.blocks["category_head"](pooled),
            "fit": self.blocks["fit_head"](pooled),
        }


def run_epoch(model, loader, optimizer):
    model.train()
    total, n = 0.0, 0
    for batch in loader:
        out = model(batch["input_ids"], batch["pad_mask"])
        loss = F.cross_entropy(out["category"], batch["category"]) \
            + 0.5 * F.cross_entropy(out["fit"], batch["fit"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * batch["input_ids"].size(0)
        n += batch["input_ids"].size(0)
    return total / n


@torch.no_grad()
def accuracy(model, loader):
    model.eval()
    hits = n = 0
    for batch in loader:
        pred = model(batch["input_ids"], batch["pad_mask"])["category"].argmax(-1)
        hits += (pred == batch["category"]).sum().item()
        n += len(pred)
    return hits / max(n, 1)


def main():
    catalog = synth_catalog(SETTINGS["data"]["n_products"])
    split = int(0.8 * len(catalog))
    train_rows, val_rows = catalog[:split], catalog[split:]
    vocab = Vocab([r["title"] for r in train_rows], SETTINGS["data"]["min_freq"])
    print(f"vocab size {len(vocab)} | train {len(train_rows)} | val {len(val_rows)}")

    bs = SETTINGS["train"]["batch_size"]
    train_dl = DataLoader(TitleDataset(train_rows, vocab), batch_size=bs, shuffle=True, collate_fn=pad_titles)
    val_dl = DataLoader(TitleDataset(val_rows, vocab), batch_size=bs, collate_fn=pad_titles)

    model = TitleEncoder(len(vocab), SETTINGS["model"])
    optimizer = torch.optim.Adam(model.parameters(), lr=SETTINGS["train"]["lr"])
    for epoch in range(SETTINGS["train"]["epochs"]):
        loss = run_epoch(model, train_dl, optimizer)
        print(f"epoch {epoch} loss {loss:.4f} val_acc {accuracy(model, val_dl):.3f}")


if __name__ == "__main__":
    main()
