import os
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

SETTINGS = """
encoder:
  hidden_size: 32
  num_layers: 1
  num_heads: 2
  intermediate: 64
  max_length: 24
heads:
  num_categories: 7
  num_genders: 3
  dropout: 0.1
train:
  batch_size: 8
  epochs: 2
  lr: 0.0005
  gender_weight: 0.5
seed: 13
"""

CATEGORIES = ["dresses", "tops", "jeans", "skirts", "outerwear", "knitwear", "activewear"]
GENDERS = ["women", "men", "unisex"]
COLORS = ["black", "ivory", "navy", "olive", "blush", "charcoal", "camel"]
MATERIALS = ["cotton", "linen", "wool", "denim", "satin", "cashmere", "nylon"]
NOUNS = {
    "dresses": ["midi", "wrap", "slip", "maxi"],
    "tops": ["blouse", "tee", "camisole", "shirt"],
    "jeans": ["straight", "skinny", "bootcut", "relaxed"],
    "skirts": ["pleated", "pencil", "aline", "mini"],
    "outerwear": ["trench", "parka", "blazer", "bomber"],
    "knitwear": ["cardigan", "sweater", "turtleneck", "vest"],
    "activewear": ["leggings", "sports", "bra", "jogger"],
}


def write_vocab(path):
    words = set(COLORS + MATERIALS + GENDERS + CATEGORIES)
    for v in NOUNS.values():
        words.update(v)
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(special + sorted(words)) + "\n")


def synth_catalog(n, rng):
    rows = []
    for i in range(n):
        cat = rng.choice(CATEGORIES)
        gender = rng.choice(GENDERS)
        title = " ".join([rng.choice(COLORS), rng.choice(MATERIALS), rng.choice(NOUNS[cat]), cat])
        if rng.random() < 0.4:
            title = gender + " " + title
        rows.append({"sku": f"SKU{i:05d}", "title": title, "category": cat, "gender": gender})
    return rows


class CatalogDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows
        self.cat_index = {c: i for i, c in enumerate(CATEGORIES)}
        self.gender_index = {g: i for i, g in enumerate(GENDERS)}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        r = self.rows[idx]
        return r["title"], self.cat_index[r["category"]], self.gender_index[r["gender"]]


def make_collate(tokenizer, max_length):
    def collate(items):
        titles, cats, genders = zip(*items)
        enc = tokenizer(list(titles), padding="max_length", truncation=True,
                        max_length=max_length, return_tensors="pt")
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "category": torch.tensor(cats),
            "gender": torch.tensor(genders),
        }
    return collate


class ProductClassifier(nn.Module):
    def __init__(self, enc_cfg, head_cfg, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=enc_cfg["hidden_size"],
            num_hidden_layers=enc_cfg["num_layers"],
            num_attention_heads=enc_cfg["num_heads"],
            intermediate_size=enc_cfg["intermediate"],
            max_position_embeddings=64,
        )
        self.encoder = BertModel(bert_cfg)
        h = enc_cfg["hidden_size"]
        self.heads = nn.ModuleDict({
            "category": nn.Linear(h, head_cfg["num_categories"]),
            "gender": nn.Linear(h, head_cfg["num_genders"]),
        })
        self.p_drop = head_cfg["dropout"]

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        mask = attention_mask.unsqueeze(-1).float()
        pooled = (out.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        pooled = F.dropout(pooled, p=self.p_drop, training=self.training)
        return {name: head(pooled) for name, head in self.heads.items()}


def train(cfg):
    here = os.path.dirname(os.path.abspath(__file__))
    vocab_path = os.path.join(here, "catalog_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    rng = random.Random(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    rows = synth_catalog(96, rng)
    split = int(0.8 * len(rows))
    train_rows, val_rows = rows[:split], rows[split:]

    collate = make_collate(tokenizer, cfg["encoder"]["max_length"])
    train_dl = DataLoader(CatalogDataset(train_rows), batch_size=cfg["train"]["batch_size"],
                          shuffle=True, collate_fn=collate)
    val_dl = DataLoader(CatalogDataset(val_rows), batch_size=cfg["train"]["batch_size"],
                        collate_fn=collate)

    model = ProductClassifier(cfg["encoder"], cfg["heads"], tokenizer.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["train"]["lr"])
    gw = cfg["train"]["gender_weight"]

    for epoch in range(cfg["train"]["epochs"]):
        model.train()
        running = 0.0
        for step, batch in enumerate(train_dl):
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss_cat = F.cross_entropy(logits["category"], batch["category"])
            loss_gen = F.cross_entropy(logits["gender"], batch["gender"])
            loss = loss_cat + gw * loss_gen
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["input_ids"], batch["attention_mask"])["category"].argmax(-1)
                correct += (pred == batch["category"]).sum().item()
                total += batch["category"].numel()
        print(f"epoch {epoch} train_loss={running / (step + 1):.4f} val_cat_acc={correct / total:.3f}")


if __name__ == "__main__":
    train(yaml.safe_load(SETTINGS))
