import csv
import io
import os
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

HERE = os.path.dirname(os.path.abspath(__file__))
WORDS = ["cotton", "shirt", "wireless", "headphones", "steel", "bottle", "leather", "wallet", "running",
         "shoes", "ceramic", "mug", "usb", "cable", "wool", "scarf", "large", "small", "blue", "black"]
NA_TOKENS = {"", "na", "n/a", "null", "none", "?"}


def write_vocab():
    path = os.path.join(HERE, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def synth_orders(n=300):
    lines = ["category,brand,seller_tier,price,rating_count,title,returned"]
    for _ in range(n):
        cat = random.choice(["apparel", "audio", "kitchen", "accessories", "footwear"])
        brand = random.choice(["acme", "zenith", "northwind", "globex", "N/A", ""])
        tier = random.choice(["gold", "silver", "bronze", "null"])
        price = "" if random.random() < 0.07 else f"{random.uniform(4, 250):.2f}"
        rc = "?" if random.random() < 0.05 else str(random.randint(0, 5000))
        title = " ".join(random.sample(WORDS, random.randint(2, 5)))
        returned = int(random.random() < (0.35 if cat == "apparel" else 0.15))
        lines.append(f"{cat},{brand},{tier},{price},{rc},{title},{returned}")
    return "\n".join(lines) + "\n"


ORDERS = synth_orders()
CAT_FIELDS = ("category", "brand", "seller_tier")
NUM_FIELDS = ("price", "rating_count")


def clean(value):
    value = value.strip()
    return None if value.lower() in NA_TOKENS else value


@dataclass
class Schema:
    levels: dict
    mean: dict
    std: dict

    @classmethod
    def fit(cls, rows):
        levels = {f: sorted({r[f] for r in rows if r[f] is not None}) for f in CAT_FIELDS}
        mean, std = {}, {}
        for f in NUM_FIELDS:
            v = np.array([float(r[f]) for r in rows if r[f] is not None])
            mean[f], std[f] = v.mean(), v.std() + 1e-8
        return cls(levels, mean, std)

    def cardinalities(self):
        return [len(self.levels[f]) + 1 for f in CAT_FIELDS]

    def encode_row(self, r):
        cats = [self.levels[f].index(r[f]) + 1 if r[f] in self.levels[f] else 0 for f in CAT_FIELDS]
        nums, miss = [], []
        for f in NUM_FIELDS:
            missing = r[f] is None
            nums.append(0.0 if missing else (float(r[f]) - self.mean[f]) / self.std[f])
            miss.append(float(missing))
        return cats, nums + miss


class TextTabNet(nn.Module):
    def __init__(self, cards, n_dense, vocab_size, d=32):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=d, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=32)
        self.text = BertModel(cfg)
        self.cat_emb = nn.ModuleList(nn.Embedding(c, d) for c in cards)
        self.dense = nn.Linear(n_dense, d)
        self.mix = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, 2, 64, batch_first=True), 1)
        self.head = nn.Linear(d, 2)

    def forward(self, input_ids, attention_mask, cats, dense):
        txt = self.text(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        toks = [txt, self.dense(dense)] + [e(cats[:, i]) for i, e in enumerate(self.cat_emb)]
        mixed = self.mix(torch.stack(toks, 1))
        return self.head(mixed.mean(1))


def main():
    tokenizer = BertTokenizer(write_vocab())
    reader = csv.DictReader(io.StringIO(ORDERS))
    rows = [{k: clean(v) for k, v in rec.items()} for rec in reader]
    train, valid = rows[:240], rows[240:]
    schema = Schema.fit(train)

    def to_batch(chunk):
        enc = tokenizer([r["title"] for r in chunk], padding=True, truncation=True, max_length=16,
                        return_tensors="pt")
        pairs = [schema.encode_row(r) for r in chunk]
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "cats": torch.tensor([p[0] for p in pairs]),
            "dense": torch.tensor([p[1] for p in pairs], dtype=torch.float32),
            "y": torch.tensor([int(r["returned"]) for r in chunk]),
        }

    model = TextTabNet(schema.cardinalities(), 2 * len(NUM_FIELDS), tokenizer.vocab_size)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(2):
        random.shuffle(train)
        model.train()
        for i in range(0, len(train), 32):
            b = to_batch(train[i:i + 32])
            y = b.pop("y")
            loss = F.cross_entropy(model(**b), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            vb = to_batch(valid)
            vy = vb.pop("y")
            acc = (model(**vb).argmax(-1) == vy).float().mean().item()
        print(f"epoch {epoch} loss={loss.item():.4f} valid_acc={acc:.3f}")


if __name__ == "__main__":
    main()
