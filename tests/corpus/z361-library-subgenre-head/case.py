"""Hierarchical genre tagging for a public-library catalogue.

Each record (title + blurb keywords) gets a top-level shelf (fiction, non-fiction, ...)
and a finer sub-genre. A shared bag-of-words encoder feeds two heads.
"""
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

TAXONOMY = {
    "fiction": ["mystery", "fantasy", "romance", "historical"],
    "non_fiction": ["biography", "travel", "cooking"],
    "children": ["picture_book", "early_reader"],
    "reference": ["atlas", "dictionary", "encyclopedia"],
}

SHELVES = list(TAXONOMY)
SUBGENRES = [(shelf, sub) for shelf in SHELVES for sub in TAXONOMY[shelf]]
SUB_TO_ID = {sub: i for i, (_, sub) in enumerate(SUBGENRES)}


@dataclass
class CatalogConfig:
    vocab_size: int = 500
    embed_dim: int = 48
    hidden: int = 64
    n_shelves: int = len(TAXONOMY)
    n_subgenres: int = max(len(subs) for subs in TAXONOMY.values())
    batch_size: int = 16
    epochs: int = 1
    lr: float = 3e-3
    seed: int = 7


def synth_catalogue(n_records, cfg):
    rng = random.Random(cfg.seed)
    records = []
    for _ in range(n_records):
        shelf, sub = rng.choice(SUBGENRES)
        # each sub-genre has a small band of characteristic keyword ids
        base = 20 + SUB_TO_ID[sub] * 30
        n_words = rng.randint(5, 14)
        words = [rng.randint(base, base + 29) if rng.random() < 0.6 else rng.randint(1, cfg.vocab_size - 1)
                 for _ in range(n_words)]
        records.append({"tokens": words, "shelf": SHELVES.index(shelf), "subgenre": SUB_TO_ID[sub]})
    return records


def to_batch(records):
    flat, offsets = [], []
    for r in records:
        offsets.append(len(flat))
        flat.extend(r["tokens"])
    return {
        "tokens": torch.tensor(flat, dtype=torch.long),
        "offsets": torch.tensor(offsets, dtype=torch.long),
        "shelf": torch.tensor([r["shelf"] for r in records]),
        "subgenre": torch.tensor([r["subgenre"] for r in records]),
    }


class ShelfAndSubgenreTagger(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bag = nn.EmbeddingBag(cfg.vocab_size, cfg.embed_dim, mode="mean")
        self.trunk = nn.Sequential(nn.Linear(cfg.embed_dim, cfg.hidden), nn.GELU(), nn.Dropout(0.1))
        self.shelf_head = nn.Linear(cfg.hidden, cfg.n_shelves)
        self.sub_head = nn.Linear(cfg.hidden + cfg.n_shelves, cfg.n_subgenres)

    def forward(self, tokens, offsets):
        h = self.trunk(self.bag(tokens, offsets))
        shelf_logits = self.shelf_head(h)
        # condition the fine head on the coarse prediction
        sub_logits = self.sub_head(torch.cat([h, shelf_logits.softmax(-1)], dim=-1))
        return shelf_logits, sub_logits


def joint_loss(shelf_logits, sub_logits, batch, sub_weight=1.5):
    shelf_loss = F.cross_entropy(shelf_logits, batch["shelf"])
    sub_loss = F.cross_entropy(sub_logits, batch["subgenre"])
    return shelf_loss + sub_weight * sub_loss


def train(cfg):
    torch.manual_seed(cfg.seed)
    records = synth_catalogue(640, cfg)
    model = ShelfAndSubgenreTagger(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        random.Random(cfg.seed + epoch).shuffle(records)
        total = 0.0
        for start in range(0, len(records), cfg.batch_size):
            batch = to_batch(records[start:start + cfg.batch_size])
            shelf_logits, sub_logits = model(batch["tokens"], batch["offsets"])
            loss = joint_loss(shelf_logits, sub_logits, batch)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / (len(records) / cfg.batch_size):.3f}")

    model.eval()
    with torch.no_grad():
        batch = to_batch(records[:128])
        shelf_logits, sub_logits = model(batch["tokens"], batch["offsets"])
        shelf_acc = (shelf_logits.argmax(-1) == batch["shelf"]).float().mean().item()
        sub_acc = (sub_logits.argmax(-1) == batch["subgenre"]).float().mean().item()
    print(f"shelf acc {shelf_acc:.2f}  sub-genre acc {sub_acc:.2f}")
    return model


if __name__ == "__main__":
    train(CatalogConfig())
