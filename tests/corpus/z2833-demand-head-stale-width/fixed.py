"""Weekly demand forecaster: product-title encoder + store/calendar features.

Titles are encoded with a tiny BERT (random init, in-house vocab), concatenated
with numeric features and regressed onto log(1 + units sold).
"""
import argparse
import functools
import math
import os
from typing import Dict, List, Protocol

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
HIDDEN = 32
NUMERIC_COLS = ["price", "promo", "dow_sin", "dow_cos", "store_size"]
WORDS = ["organic", "whole", "milk", "oat", "bread", "sourdough", "greek", "yogurt",
         "free", "range", "eggs", "dark", "roast", "coffee", "beans", "sparkling",
         "water", "lemon", "basmati", "rice", "olive", "oil", "family", "pack"]


# --- utils -------------------------------------------------------------------
def to_tensor(x, dtype=torch.float32):
    return torch.tensor(np.asarray(x), dtype=dtype)


def pad_to(ids: List[int], n: int, pad_id: int) -> List[int]:
    return (ids + [pad_id] * n)[:n]


def batched(seq, n):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def write_vocab(path: str) -> str:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + WORDS) + "\n")
    return path


# --- data --------------------------------------------------------------------
def synth_sales(n_rows: int, n_products: int, seed: int) -> List[Dict]:
    rng = np.random.default_rng(seed)
    titles = [" ".join(rng.choice(WORDS, size=rng.integers(2, 5), replace=False))
              for _ in range(n_products)]
    rows = []
    for _ in range(n_rows):
        pid = int(rng.integers(n_products))
        dow = int(rng.integers(7))
        price = float(rng.uniform(0.5, 12.0))
        promo = float(rng.random() < 0.2)
        units = rng.poisson(20 * math.exp(-0.1 * price) * (1.5 if promo else 1.0))
        rows.append({"product_id": pid, "title": titles[pid], "price": price,
                     "promo": promo, "dow_sin": math.sin(2 * math.pi * dow / 7),
                     "dow_cos": math.cos(2 * math.pi * dow / 7),
                     "store_size": float(rng.choice([0.3, 0.6, 1.0])),
                     "units": int(units)})
    return rows


class SalesDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        self.rows, self.tok, self.max_len = rows, tokenizer, max_len

    @functools.lru_cache(maxsize=4096)
    def encode_title(self, title: str):
        ids = self.tok.encode(title, add_special_tokens=True)
        return tuple(pad_to(ids, self.max_len, self.tok.pad_token_id))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        r = self.rows[i]
        return {"input_ids": self.encode_title(r["title"]),
                "numeric": [r[c] for c in NUMERIC_COLS],
                "target": math.log1p(r["units"])}


def collate(items, pad_id: int):
    ids = to_tensor([it["input_ids"] for it in items], torch.long)
    return {"input_ids": ids, "attention_mask": (ids != pad_id).long(),
            "numeric": to_tensor([it["numeric"] for it in items]),
            "target": to_tensor([it["target"] for it in items])}


# --- model -------------------------------------------------------------------
class Forecaster(Protocol):
    def __call__(self, input_ids, attention_mask, numeric) -> torch.Tensor: ...


class TitleDemandModel(nn.Module):
    def __init__(self, cfg: BertConfig, n_numeric: int):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Sequential(nn.Linear(cfg.hidden_size + n_numeric, 64), nn.ReLU(),
                                  nn.Linear(64, 1))

    def forward(self, input_ids, attention_mask, numeric):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        cls = out.last_hidden_state[:, 0]
        return self.head(torch.cat([cls, numeric], dim=-1)).squeeze(-1)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--hidden", type=int, default=HIDDEN)
    ap.add_argument("--rows", type=int, default=400)
    ap.add_argument("--products", type=int, default=30)
    ap.add_argument("--max-len", type=int, default=8)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=2)
    args = ap.parse_args(argv)

    torch.manual_seed(0)
    vocab_path = write_vocab(os.path.join(HERE, "title_vocab.txt"))
    tok = BertTokenizer(vocab_path)
    rows = synth_sales(args.rows, args.products, seed=3)
    ds = SalesDataset(rows, tok, args.max_len)
    dl = DataLoader(ds, batch_size=args.batch_size, shuffle=True,
                    collate_fn=lambda b: collate(b, tok.pad_token_id))

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=args.hidden,
                     num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=2 * args.hidden,
                     max_position_embeddings=args.max_len + 2)
    model: Forecaster = TitleDemandModel(cfg, n_numeric=len(NUMERIC_COLS))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()

    for epoch in range(args.epochs):
        running = []
        for batch in dl:
            pred = model(batch["input_ids"], batch["attention_mask"], batch["numeric"])
            loss = loss_fn(pred, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        print(f"epoch {epoch} mse {np.mean(running):.4f}")


if __name__ == "__main__":
    main(["--hidden", "48", "--epochs", "2"])
