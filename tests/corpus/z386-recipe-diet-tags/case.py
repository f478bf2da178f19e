"""Multi-label dietary tagging of recipes from their ingredient lists.

The recipe table comes from a pipe-separated export of the kitchen CMS; each
recipe can carry several tags (vegan, gluten_free, nut_free, ...).
"""
import io
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

INGREDIENTS = [
    "flour", "butter", "egg", "milk", "tofu", "rice", "soy_sauce", "almond", "peanut",
    "chicken", "beef", "lentil", "chickpea", "oat", "honey", "sugar", "chili", "garlic",
    "onion", "tomato", "basil", "coconut_milk", "quinoa", "cheese", "yogurt", "cashew",
]
TAGS = ["vegan", "vegetarian", "gluten_free", "nut_free", "dairy_free", "spicy"]


def synth_export(n_rows, seed=3):
    rng = random.Random(seed)
    lines = ["recipe_id|title|ingredients|tags"]
    for i in range(n_rows):
        ingr = rng.sample(INGREDIENTS, rng.randint(3, 8))
        tags = []
        if not {"chicken", "beef", "egg", "milk", "butter", "cheese", "yogurt", "honey"} & set(ingr):
            tags.append("vegan")
        if not {"chicken", "beef"} & set(ingr):
            tags.append("vegetarian")
        if not {"flour", "oat", "soy_sauce"} & set(ingr):
            tags.append("gluten_free")
        if not {"almond", "peanut", "cashew"} & set(ingr):
            tags.append("nut_free")
        if not {"butter", "milk", "cheese", "yogurt"} & set(ingr):
            tags.append("dairy_free")
        if "chili" in ingr:
            tags.append("spicy")
        lines.append(f"{i}|recipe {i}|{','.join(ingr)}|{';'.join(tags)}")
    return "\n".join(lines)


@dataclass
class TrainConfig:
    n_recipes: int = 400
    hidden: int = 64
    batch_size: int = 32
    epochs: int = 3
    lr: float = 3e-3
    threshold: float = 0.5
    tag_names: list = field(default_factory=lambda: list(TAGS))


def parse_table(text, cfg):
    ing_index = {name: j for j, name in enumerate(INGREDIENTS)}
    tag_index = {name: j for j, name in enumerate(cfg.tag_names)}
    rows = [ln.split("|") for ln in io.StringIO(text).read().strip().splitlines()[1:]]
    features = np.zeros((len(rows), len(INGREDIENTS)), dtype=np.float32)
    targets = np.zeros((len(rows), len(cfg.tag_names)), dtype=int)
    for r, (_, _, ingredients, tags) in enumerate(rows):
        for name in ingredients.split(","):
            features[r, ing_index[name]] = 1.0
        for tag in filter(None, tags.split(";")):
            targets[r, tag_index[tag]] = 1
    return features, targets


class TagHead(nn.Module):
    def __init__(self, n_in, n_tags, hidden):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, hidden), nn.ReLU(), nn.LayerNorm(hidden), nn.Linear(hidden, n_tags)
        )

    def forward(self, x):
        return self.net(x)


def run(cfg):
    torch.manual_seed(0)
    feats, targets = parse_table(synth_export(cfg.n_recipes), cfg)
    ds = TensorDataset(torch.from_numpy(feats), torch.from_numpy(targets))
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)
    model = TagHead(len(INGREDIENTS), len(cfg.tag_names), cfg.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    criterion = nn.BCEWithLogitsLoss()

    for epoch in range(cfg.epochs):
        total = 0.0
        for x, y in loader:
            logits = model(x)
            loss = criterion(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * x.shape[0]
        print(f"epoch {epoch} bce={total / len(ds):.4f}")

    with torch.no_grad():
        probs = torch.sigmoid(model(torch.from_numpy(feats)))
        pred = (probs > cfg.threshold).long()
        truth = torch.from_numpy(targets).long()
        per_tag = (pred == truth).float().mean(dim=0)
    for name, acc in zip(cfg.tag_names, per_tag.tolist()):
        print(f"{name:12s} acc={acc:.3f}")


if __name__ == "__main__":
    run(TrainConfig())
