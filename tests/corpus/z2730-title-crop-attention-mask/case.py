import os
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

RAW_CFG = """
seed: 2024
tokenizer:
  max_length: 40
encoder:
  hidden_size: 32
  num_hidden_layers: 1
  num_attention_heads: 2
  intermediate_size: 64
  max_position_embeddings: 64
heads:
  dropout: 0.1
train:
  batch_size: 16
  epochs: 2
  lr: 0.0005
  crop_tokens: 24
labels:
  category: [tee, hoodie, chino, parka, skirt, loafer]
  attributes: [organic, recycled, waterproof, stretch, striped, floral, oversized, cropped]
"""

cfg = yaml.safe_load(RAW_CFG)
random.seed(cfg["seed"])
torch.manual_seed(cfg["seed"])

BRANDS = ["northwind", "atelier", "kinfolk", "ravello", "mossgrove"]
COLORS = ["ecru", "charcoal", "sage", "rust", "cobalt", "ivory"]
FILLERS = ["unisex", "everyday", "essential", "premium", "soft", "lightweight", "heavyweight"]


def vocab_tokens():
    words = set(BRANDS + COLORS + FILLERS)
    words.update(cfg["labels"]["category"])
    words.update(cfg["labels"]["attributes"])
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "-", ","] + sorted(words)


def synth_listing():
    cats, attrs = cfg["labels"]["category"], cfg["labels"]["attributes"]
    cat = random.randrange(len(cats))
    chosen = random.sample(range(len(attrs)), k=random.randint(1, 3))
    parts = [random.choice(BRANDS), "-", random.choice(COLORS)]
    parts += [attrs[a] for a in chosen]
    parts += random.sample(FILLERS, k=random.randint(0, 3))
    parts += [cats[cat]]
    target = torch.zeros(len(attrs))
    target[chosen] = 1.0
    return {"title": " ".join(parts), "category": cat, "attributes": target}


def make_collate(tokenizer):
    def collate(items):
        enc = tokenizer(
            [it["title"] for it in items],
            padding="max_length",
            truncation=True,
            max_length=cfg["tokenizer"]["max_length"],
            return_tensors="pt",
        )
        return {
            **enc,
            "category": torch.tensor([it["category"] for it in items]),
            "attributes": torch.stack([it["attributes"] for it in items]),
        }
    return collate


def crop(batch, n_tokens):
    out = dict(batch)
    for key in ("input_ids", "token_type_ids"):
        out[key] = batch[key][:, :n_tokens]
    return out


class CatalogTagger(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        enc_cfg = BertConfig(vocab_size=vocab_size, **cfg["encoder"])
        self.encoder = BertModel(enc_cfg)
        h = enc_cfg.hidden_size
        self.heads = nn.ModuleDict({
            "category": nn.Linear(h, len(cfg["labels"]["category"])),
            "attributes": nn.Linear(h, len(cfg["labels"]["attributes"])),
        })

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=token_type_ids,
        ).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)
        pooled = F.dropout(pooled, cfg["heads"]["dropout"], self.training)
        return {name: head(pooled) for name, head in self.heads.items()}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    vocab_file = os.path.join(here, "tagger_vocab.txt")
    with open(vocab_file, "w") as f:
        f.write("\n".join(vocab_tokens()) + "\n")
    tokenizer = BertTokenizer(vocab_file)

    listings = [synth_listing() for _ in range(128)]
    loader = DataLoader(listings, batch_size=cfg["train"]["batch_size"], shuffle=True,
                        collate_fn=make_collate(tokenizer))

    model = CatalogTagger(tokenizer.vocab_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["train"]["lr"])

    for epoch in range(cfg["train"]["epochs"]):
        model.train()
        stats = {"cat": 0.0, "attr": 0.0, "n": 0}
        for batch in loader:
            batch = crop(batch, cfg["train"]["crop_tokens"])
            out = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            loss_cat = F.cross_entropy(out["category"], batch["category"])
            loss_attr = F.binary_cross_entropy_with_logits(out["attributes"], batch["attributes"])
            loss = loss_cat + loss_attr
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            n = batch["category"].size(0)
            stats["cat"] += loss_cat.item() * n
            stats["attr"] += loss_attr.item() * n
            stats["n"] += n
        print(f"epoch {epoch}: cat_loss={stats['cat'] / stats['n']:.3f} "
              f"attr_loss={stats['attr'] / stats['n']:.3f}")


if __name__ == "__main__":
    main()
