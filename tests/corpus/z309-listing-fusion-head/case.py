"""Marketplace listing moderation: flag listings that need manual review.

Combines a small BERT encoder over the listing title with a handful of
numeric listing features (price, photo count, seller age...).
"""
import math
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

WORDS = ("vintage used new sealed genuine replica cheap bulk lot rare original "
         "iphone watch sneakers bag camera lens console guitar bike drone").split()
NUMERIC_COLS = ["price", "n_photos", "seller_days"]
CFG = {"hidden": 32, "cat_dim": 8, "n_categories": 6, "max_len": 16, "batch": 8, "steps": 6}


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def fake_listing(rng):
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
    row = {
        "title": title,
        "price": rng.uniform(1, 2000),
        "n_photos": rng.randint(0, 12),
        "seller_days": rng.randint(0, 3000),
        "category": rng.randrange(CFG["n_categories"]),
    }
    row["flag"] = int(("replica" in title or "cheap" in title) and row["seller_days"] < 900)
    return row


def numeric_features(rows):
    feats = []
    for r in rows:
        feats.append([
            r["price"] / 1000.0,
            math.log1p(r["price"]),
            r["n_photos"] / 10.0,
            r["seller_days"] / 365.0,
        ])
    return torch.tensor(feats, dtype=torch.float)


class ListingModerator(nn.Module):
    def __init__(self, bert_config, cfg):
        super().__init__()
        self.encoder = BertModel(bert_config, add_pooling_layer=False)
        self.category = nn.Embedding(cfg["n_categories"], cfg["cat_dim"])
        fusion_dim = bert_config.hidden_size + len(NUMERIC_COLS) + cfg["cat_dim"]
        self.head = nn.Sequential(
            nn.Linear(fusion_dim, 64),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(64, 2),
        )

    def forward(self, input_ids, attention_mask, numeric, category):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        cls = out.last_hidden_state[:, 0]
        fused = torch.cat([cls, numeric, self.category(category)], dim=-1)
        return self.head(fused)


def batches(rows, tokenizer, size):
    for i in range(0, len(rows), size):
        chunk = rows[i : i + size]
        enc = tokenizer([r["title"] for r in chunk], padding=True, truncation=True,
                        max_length=CFG["max_len"], return_tensors="pt")
        yield (enc["input_ids"], enc["attention_mask"], numeric_features(chunk),
               torch.tensor([r["category"] for r in chunk]),
               torch.tensor([r["flag"] for r in chunk]))


def main():
    rng = random.Random(11)
    torch.manual_seed(11)
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(tmp))
    bert_config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=CFG["hidden"],
                             num_hidden_layers=1, num_attention_heads=2,
                             intermediate_size=64, max_position_embeddings=64)
    model = ListingModerator(bert_config, CFG)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    rows = [fake_listing(rng) for _ in range(CFG["batch"] * CFG["steps"])]
    model.train()
    for step, (ids, mask, num, cat, y) in enumerate(batches(rows, tokenizer, CFG["batch"])):
        logits = model(ids, mask, num, cat)
        loss = loss_fn(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"step {step} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
