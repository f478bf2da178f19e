import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

WORDS = [
    "bright", "spacious", "renovated", "kitchen", "garden", "garage", "close", "to",
    "schools", "quiet", "street", "views", "balcony", "new", "roof", "open", "plan",
    "family", "home", "walk", "station", "parking", "cosy", "loft", "with", "and",
]

LISTINGS = [
    ("bright spacious family home with garden and garage", [142.0, 4, 2, 1998, 0.8, 3]),
    ("cosy loft close to station", [58.0, 1, 1, 2011, 0.2, 1]),
    ("renovated kitchen open plan with balcony views", [87.0, 2, 1, 1975, 0.5, 2]),
    ("quiet street new roof and parking", [120.0, 3, 2, 1962, 1.1, 3]),
    ("walk to schools family home with garden", [135.0, 4, 3, 2005, 0.9, 2]),
    ("open plan loft with views", [64.0, 1, 1, 2019, 0.3, 1]),
    ("spacious home close to schools and station", [151.0, 5, 3, 1988, 0.7, 3]),
    ("bright balcony quiet street", [72.0, 2, 1, 1999, 0.4, 2]),
]
PRICE_BAND = [3, 0, 1, 2, 3, 0, 3, 1]
NUMERIC_COLS = ["area_m2", "bedrooms", "bathrooms", "year_built", "plot_ha", "floors"]


@dataclass
class ListingConfig:
    vocab_size: int = 0
    text_hidden: int = 32
    n_numeric: int = len(NUMERIC_COLS)
    numeric_proj: int = 16
    fused_hidden: int = 64
    n_price_bands: int = 4
    max_desc_len: int = 16


def build_tokenizer(workdir):
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS))
    return BertTokenizer(path)


class DescriptionEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=cfg.vocab_size,
            hidden_size=cfg.text_hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.bert = BertModel(bert_cfg)

    def forward(self, desc_ids, desc_mask):
        out = self.bert(input_ids=desc_ids, attention_mask=desc_mask)
        return out.last_hidden_state[:, 0]


class NumericTower(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.norm = nn.BatchNorm1d(cfg.n_numeric)
        self.proj = nn.Sequential(nn.Linear(cfg.n_numeric, cfg.numeric_proj), nn.GELU())

    def forward(self, feats):
        return self.proj(self.norm(feats))


class PriceBandModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.text = DescriptionEncoder(cfg)
        self.numeric = NumericTower(cfg)
        self.head = nn.Sequential(
            nn.Linear(cfg.text_hidden + cfg.numeric_proj, cfg.fused_hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(cfg.fused_hidden, cfg.n_price_bands),
        )

    def forward(self, desc_ids, desc_mask, feats):
        text_vec = self.text(desc_ids, desc_mask)
        num_vec = self.numeric(feats)
        fused = torch.cat([text_vec, num_vec], dim=-1)
        return self.head(fused)


def make_batch(tokenizer, cfg):
    descs = [d for d, _ in LISTINGS]
    enc = tokenizer(descs, padding="max_length", truncation=True,
                    max_length=cfg.max_desc_len, return_tensors="pt")
    feats = torch.tensor([f for _, f in LISTINGS], dtype=torch.float32)
    bands = torch.tensor(PRICE_BAND, dtype=torch.long)
    return enc["input_ids"], enc["attention_mask"], feats, bands


def train(model, batch, epochs=3):
    desc_ids, desc_mask, feats, bands = batch
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for epoch in range(epochs):
        opt.zero_grad()
        logits = model(desc_ids, desc_mask, feats)
        loss = loss_fn(logits, bands)
        loss.backward()
        opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")


def main():
    with tempfile.TemporaryDirectory() as workdir:
        tokenizer = build_tokenizer(workdir)
        cfg = ListingConfig(vocab_size=tokenizer.vocab_size)
        model = PriceBandModel(cfg)
        batch = make_batch(tokenizer, cfg)
        train(model, batch)
        model.eval()
        with torch.no_grad():
            preds = model(*batch[:3]).argmax(-1)
        print("predicted bands:", preds.tolist())


if __name__ == "__main__":
    main()
