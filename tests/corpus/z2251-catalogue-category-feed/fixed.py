"""Leaf-category classifier for the merchant catalogue feed.

Title char-trigrams go through an EmbeddingBag; price / rating / review-count
features are log-scaled and concatenated before the classifier.
"""
import json
import math
import os
import random
import zlib

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
FEED_PATH = os.path.join(HERE, "catalogue_feed.jsonl")
N_BUCKETS = 2 ** 14
EMB_DIM = 48
BATCH_SIZE = 32
EPOCHS = 3

CATALOGUE = {
    "Footwear > Running": (["trail runner", "road running shoe", "racing flat"], 60, 180),
    "Footwear > Sandals": (["slide sandal", "sport sandal", "flip flop"], 15, 70),
    "Kitchen > Kettles": (["electric kettle", "gooseneck kettle", "stovetop kettle"], 20, 120),
    "Audio > Headphones": (["over ear headphones", "noise cancelling headphones", "earbuds"], 25, 350),
    "Bags > Backpacks": (["laptop backpack", "hiking daypack", "rolltop backpack"], 30, 160),
}
BRANDS = ["acme", "northpeak", "lumen", "vexa", "kestrel", "orbit"]
COLORS = ["black", "sand", "olive", "navy", "white"]


def write_feed(path, n, seed=3):
    rng = random.Random(seed)
    cats = list(CATALOGUE)
    with open(path, "w") as f:
        for i in range(n):
            cat = rng.choice(cats)
            names, lo, hi = CATALOGUE[cat]
            list_price = round(rng.uniform(lo, hi), 2)
            on_sale = rng.random() < 0.35
            rec = {
                "sku": f"SKU{100000 + i}",
                "title": f"{rng.choice(BRANDS)} {rng.choice(names)} {rng.choice(COLORS)}",
                "category": cat,
                "list_price": list_price,
                "sale_price": round(list_price * rng.uniform(0.6, 0.9), 2) if on_sale else None,
                "rating": round(rng.uniform(2.5, 5.0), 1),
                "review_count": rng.randint(0, 4000),
            }
            f.write(json.dumps(rec) + "\n")


def trigram_ids(title):
    padded = f"#{title.lower()}#"
    grams = [padded[i:i + 3] for i in range(len(padded) - 2)]
    return [zlib.crc32(g.encode()) % N_BUCKETS for g in grams]


class CatalogueFeed(Dataset):
    def __init__(self, path):
        with open(path) as f:
            self.records = [json.loads(line) for line in f]
        self.categories = sorted({r["category"] for r in self.records})
        self.cat2id = {c: i for i, c in enumerate(self.categories)}

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        rec = self.records[idx]
        return {
            "grams": trigram_ids(rec["title"]),
            "price": rec["sale_price"] or rec["list_price"],
            "rating": rec["rating"],
            "reviews": rec["review_count"],
            "label": self.cat2id[rec["category"]],
        }


def collate_products(batch):
    flat, offsets = [], []
    for item in batch:
        offsets.append(len(flat))
        flat.extend(item["grams"])
    numeric = torch.tensor(
        [[math.log1p(item["price"]), item["rating"] / 5.0, math.log1p(item["reviews"])] for item in batch],
        dtype=torch.float32,
    )
    return {
        "grams": torch.tensor(flat, dtype=torch.long),
        "offsets": torch.tensor(offsets, dtype=torch.long),
        "numeric": numeric,
        "labels": torch.tensor([item["label"] for item in batch]),
    }


class CategoryClassifier(nn.Module):
    def __init__(self, n_classes, n_numeric=3):
        super().__init__()
        self.bag = nn.EmbeddingBag(N_BUCKETS, EMB_DIM, mode="mean")
        self.num_proj = nn.Sequential(nn.LayerNorm(n_numeric), nn.Linear(n_numeric, 16))
        self.out = nn.Sequential(nn.Linear(EMB_DIM + 16, 64), nn.ReLU(), nn.Linear(64, n_classes))

    def forward(self, grams, offsets, numeric):
        text = self.bag(grams, offsets)
        return self.out(torch.cat([text, self.num_proj(numeric)], dim=-1))


def main():
    torch.manual_seed(0)
    write_feed(FEED_PATH, 600)
    feed = CatalogueFeed(FEED_PATH)
    train_set, val_set = torch.utils.data.random_split(
        feed, [500, 100], generator=torch.Generator().manual_seed(0))
    train_dl = DataLoader(train_set, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_products)
    val_dl = DataLoader(val_set, batch_size=64, collate_fn=collate_products)

    model = CategoryClassifier(len(feed.categories))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(EPOCHS):
        model.train()
        for batch in train_dl:
            logits = model(batch["grams"], batch["offsets"], batch["numeric"])
            loss = loss_fn(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        hits = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["grams"], batch["offsets"], batch["numeric"]).argmax(-1)
                hits += (pred == batch["labels"]).sum().item()
        print(f"epoch {epoch}: last_loss={loss.item():.4f} val_acc={hits / len(val_set):.3f}")


if __name__ == "__main__":
    main()
