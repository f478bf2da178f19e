import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from torch.utils.data import DataLoader, Dataset
from transformers import BertTokenizer

CONFIG = """
seed: 13
tokenizer:
  max_length: 24
  padding: max_length
  truncation: true
model:
  embed_dim: 48
  attr_dim: 16
  hidden: 64
train:
  batch_size: 8
  epochs: 2
  lr: 0.003
categories: [dress, jeans, sneakers, blazer, scarf]
colors: [black, white, navy, beige, red, olive]
materials: [cotton, denim, leather, wool, linen, silk]
"""

cfg = yaml.safe_load(CONFIG)
random.seed(cfg["seed"])
np.random.seed(cfg["seed"])
torch.manual_seed(cfg["seed"])

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "catalog_vocab.txt")

ADJECTIVES = ["slim", "relaxed", "oversized", "cropped", "classic", "vintage",
              "pleated", "ribbed", "wrap", "midi", "maxi", "high", "waist",
              "low", "top", "chunky", "tailored", "fit", "long", "sleeve"]


def write_vocab(path):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = set(ADJECTIVES) | set(cfg["categories"]) | set(cfg["colors"]) | set(cfg["materials"])
    tokens += sorted(words)
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return len(tokens)


def make_catalog(n_items):
    rows = []
    for sku in range(n_items):
        cat_id = random.randrange(len(cfg["categories"]))
        n_adj = random.randint(1, 6)
        title = " ".join(
            [random.choice(cfg["colors"]), random.choice(cfg["materials"])]
            + random.sample(ADJECTIVES, n_adj)
            + [cfg["categories"][cat_id]]
        )
        attrs = np.zeros(len(cfg["colors"]) + len(cfg["materials"]), dtype=np.float32)
        words = title.split()
        for i, c in enumerate(cfg["colors"]):
            attrs[i] = float(c in words)
        for j, m in enumerate(cfg["materials"]):
            attrs[len(cfg["colors"]) + j] = float(m in words)
        rows.append({"sku": f"SKU-{sku:05d}", "title": title, "attrs": attrs, "label": cat_id})
    return rows


class CatalogDataset(Dataset):
    def __init__(self, rows, tokenizer, tok_cfg):
        self.rows = rows
        self.tokenizer = tokenizer
        self.tok_cfg = tok_cfg

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        enc = self.tokenizer(
            row["title"],
            max_length=self.tok_cfg["max_length"],
            padding=self.tok_cfg["padding"],
            truncation=self.tok_cfg["truncation"],
        )
        return {
            "input_ids": torch.tensor(enc["input_ids"], dtype=torch.long),
            "attention_mask": torch.tensor(enc["attention_mask"], dtype=torch.long),
            "attrs": torch.from_numpy(row["attrs"]),
            "label": torch.tensor(row["label"], dtype=torch.long),
        }


def build_model(vocab_size, n_attrs, n_classes, mcfg):
    return nn.ModuleDict({
        "tok_emb": nn.Embedding(vocab_size, mcfg["embed_dim"], padding_idx=0),
        "attr_proj": nn.Linear(n_attrs, mcfg["attr_dim"]),
        "fuse": nn.Linear(mcfg["embed_dim"] + mcfg["attr_dim"], mcfg["hidden"]),
        "head": nn.Linear(mcfg["hidden"], n_classes),
    })


def forward(model, batch):
    emb = model["tok_emb"](batch["input_ids"])
    mask = batch["attention_mask"].unsqueeze(-1).float()
    title_vec = (emb * mask).sum(1) / mask.sum(1).clamp(min=1.0)
    attr_vec = F.gelu(model["attr_proj"](batch["attrs"]))
    h = F.gelu(model["fuse"](torch.cat([title_vec, attr_vec], dim=-1)))
    h = F.dropout(h, p=0.1, training=model.training)
    return model["head"](h)


def main():
    vocab_size = write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    rows = make_catalog(96)
    split = int(0.8 * len(rows))
    train_ds = CatalogDataset(rows[:split], tokenizer, cfg["tokenizer"])
    val_ds = CatalogDataset(rows[split:], tokenizer, cfg["tokenizer"])

    train_dl = DataLoader(train_ds, batch_size=cfg["train"]["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg["train"]["batch_size"])

    n_attrs = len(cfg["colors"]) + len(cfg["materials"])
    model = build_model(vocab_size, n_attrs, len(cfg["categories"]), cfg["model"])
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["train"]["lr"])

    for epoch in range(cfg["train"]["epochs"]):
        model.train()
        running = 0.0
        for batch in train_dl:
            logits = forward(model, batch)
            loss = F.cross_entropy(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * batch["label"].size(0)

        model.eval()
        correct = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = forward(model, batch).argmax(-1)
                correct += (pred == batch["label"]).sum().item()
        print(f"epoch {epoch} train_loss={running / len(train_ds):.4f} "
              f"val_acc={correct / len(val_ds):.3f}")


if __name__ == "__main__":
    main()
