import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

WORDS = [
    "bright", "spacious", "renovated", "kitchen", "granite", "hardwood", "floors", "garden",
    "garage", "quiet", "street", "close", "to", "schools", "park", "views", "open", "plan",
    "living", "room", "master", "suite", "walk", "in", "closet", "new", "roof", "basement",
    "finished", "patio", "deck", "fireplace", "large", "windows", "corner", "lot", "and", "with",
]


@dataclass
class ListingConfig:
    vocab_words: tuple = tuple(WORDS)
    text_hidden: int = 32
    max_desc_positions: int = 64
    n_numeric: int = 4
    numeric_hidden: int = 16
    fusion_hidden: int = 48


def write_vocab(folder, words):
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + list(words)) + "\n")
    return path


class DescriptionEncoder(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.text_hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=cfg.max_desc_positions,
        )
        self.bert = BertModel(bert_cfg)

    def forward(self, tokens, attn):
        out = self.bert(input_ids=tokens, attention_mask=attn)
        return out.last_hidden_state[:, 0]


class NumericEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(cfg.n_numeric, cfg.numeric_hidden),
            nn.ReLU(),
            nn.Linear(cfg.numeric_hidden, cfg.numeric_hidden),
        )

    def forward(self, x):
        return self.net(x)


class PriceRegressor(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.desc = DescriptionEncoder(cfg, vocab_size)
        self.nums = NumericEncoder(cfg)
        self.head = nn.Sequential(
            nn.Linear(cfg.text_hidden + cfg.numeric_hidden, cfg.fusion_hidden),
            nn.GELU(),
            nn.Linear(cfg.fusion_hidden, 1),
        )

    def forward(self, tokens, attn, numeric):
        fused = torch.cat([self.desc(tokens, attn), self.nums(numeric)], dim=-1)
        return self.head(fused).squeeze(-1)


def make_listings(rng, n):
    listings = []
    for i in range(n):
        length = rng.randint(8, 20) if i % 5 else rng.randint(70, 90)
        text = " ".join(rng.choice(WORDS) for _ in range(length))
        sqft = rng.uniform(600, 3500)
        beds = rng.randint(1, 5)
        baths = rng.randint(1, 3)
        age = rng.uniform(0, 80)
        price = 50_000 + 180 * sqft + 12_000 * beds - 400 * age
        listings.append({"text": text, "num": [sqft / 1000, beds, baths, age / 10], "price": price / 1e5})
    return listings


def collate(tokenizer, batch, max_len):
    enc = tokenizer(
        [b["text"] for b in batch],
        padding="longest",
        truncation=True,
        max_length=max_len,
        return_tensors="pt",
    )
    numeric = torch.tensor([b["num"] for b in batch], dtype=torch.float32)
    target = torch.tensor([b["price"] for b in batch], dtype=torch.float32)
    return enc["input_ids"], enc["attention_mask"], numeric, target


def main():
    torch.manual_seed(0)
    rng = random.Random(7)
    cfg = ListingConfig()
    with tempfile.TemporaryDirectory() as tmp:
        vocab_path = write_vocab(tmp, cfg.vocab_words)
        tokenizer = BertTokenizer(vocab_path)
        model = PriceRegressor(cfg, tokenizer.vocab_size)
        opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
        loss_fn = nn.MSELoss()

        listings = make_listings(rng, 40)
        batch_size = 8
        for epoch in range(2):
            total = 0.0
            for start in range(0, len(listings), batch_size):
                chunk = listings[start:start + batch_size]
                tokens, attn, numeric, target = collate(tokenizer, chunk, cfg.max_desc_positions)
                pred = model(tokens, attn, numeric)
                loss = loss_fn(pred, target)
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.item() * len(chunk)
            print(f"epoch {epoch}: mse={total / len(listings):.4f}")


if __name__ == "__main__":
    main()
