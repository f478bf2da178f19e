import os
import tempfile
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

BASE_WORDS = ("wireless noise cancelling headphones usb c charger stainless steel water bottle "
              "ergonomic office chair mesh back gaming mouse rgb leather wallet slim "
              "cotton t shirt black running shoes lightweight mechanical keyboard").split()

PRICE_BUCKETS = ["[PRICE_BUDGET]", "[PRICE_MID]", "[PRICE_PREMIUM]"]

LISTINGS = [
    {"title": "wireless noise cancelling headphones", "price": 199.0, "rating": 4.6, "reviews": 1840, "category": 0},
    {"title": "usb c charger", "price": 19.9, "rating": 4.2, "reviews": 920, "category": 0},
    {"title": "stainless steel water bottle", "price": 24.5, "rating": 4.8, "reviews": 3100, "category": 1},
    {"title": "ergonomic office chair mesh back", "price": 329.0, "rating": 4.1, "reviews": 410, "category": 2},
    {"title": "gaming mouse rgb", "price": 49.0, "rating": 4.4, "reviews": 2200, "category": 0},
    {"title": "leather wallet slim", "price": 35.0, "rating": 4.3, "reviews": 760, "category": 3},
    {"title": "cotton t shirt black", "price": 12.0, "rating": 4.0, "reviews": 5400, "category": 3},
    {"title": "running shoes lightweight", "price": 89.0, "rating": 4.5, "reviews": 1300, "category": 3},
]


@dataclass
class ListingModelConfig:
    vocab_size: int
    n_numeric: int = 3
    n_categories: int = 4
    hidden: int = 32
    numeric_hidden: int = 16
    max_title_tokens: int = 12
    dropout: float = 0.1


def price_bucket(price):
    if price < 30:
        return PRICE_BUCKETS[0]
    return PRICE_BUCKETS[1] if price < 150 else PRICE_BUCKETS[2]


class ListingDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        self.rows, self.tok, self.max_len = rows, tokenizer, max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        text = f"{price_bucket(row['price'])} {row['title']}"
        enc = self.tok(text, padding="max_length", truncation=True, max_length=self.max_len)
        numeric = [torch.log1p(torch.tensor(row["price"])).item() / 6.0, row["rating"] / 5.0,
                   torch.log1p(torch.tensor(float(row["reviews"]))).item() / 9.0]
        return {
            "title_ids": torch.tensor(enc["input_ids"]),
            "title_mask": torch.tensor(enc["attention_mask"]),
            "numeric": torch.tensor(numeric),
            "category": torch.tensor(row["category"]),
        }


class NumericTower(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(cfg.n_numeric, cfg.numeric_hidden), nn.GELU(),
                                 nn.Linear(cfg.numeric_hidden, cfg.numeric_hidden))

    def forward(self, x):
        return self.net(x)


class ListingCategorizer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.title_encoder = BertModel(BertConfig(
            vocab_size=cfg.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=32))
        self.numeric_tower = NumericTower(cfg)
        self.classifier = nn.Sequential(
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden + cfg.numeric_hidden, cfg.hidden), nn.ReLU(),
            nn.Linear(cfg.hidden, cfg.n_categories))

    def forward(self, title_ids, title_mask, numeric):
        title_vec = self.title_encoder(input_ids=title_ids, attention_mask=title_mask).pooler_output
        return self.classifier(torch.cat([title_vec, self.numeric_tower(numeric)], dim=-1))


def make_tokenizer(tmp):
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(BASE_WORDS))))
    tok = BertTokenizer(vocab_path)
    tok.add_tokens(PRICE_BUCKETS, special_tokens=True)
    return tok


def main():
    tmp = tempfile.mkdtemp()
    tokenizer = make_tokenizer(tmp)
    cfg = ListingModelConfig(vocab_size=len(tokenizer))

    loader = DataLoader(ListingDataset(LISTINGS, tokenizer, cfg.max_title_tokens), batch_size=4, shuffle=True)
    model = ListingCategorizer(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(4):
        running = 0.0
        for batch in loader:
            logits = model(batch["title_ids"], batch["title_mask"], batch["numeric"])
            loss = criterion(logits, batch["category"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: loss={running / len(loader):.4f}")

    model.eval()
    sample = ListingDataset(LISTINGS[:2], tokenizer, cfg.max_title_tokens)
    with torch.no_grad():
        batch = next(iter(DataLoader(sample, batch_size=2)))
        pred = model(batch["title_ids"], batch["title_mask"], batch["numeric"]).argmax(-1)
    print("predicted categories:", pred.tolist())


if __name__ == "__main__":
    main()
