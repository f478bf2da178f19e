"""Multi-label dietary tagging: given a recipe's ingredient list, predict
which of vegan / vegetarian / gluten-free / nut-free apply.

Ingredients are mapped to ids from a small pantry vocabulary and averaged with an
EmbeddingBag; a linear layer then scores each tag independently.
"""
import random

import torch
import torch.nn as nn

random.seed(0)
torch.manual_seed(0)

DIET_TAGS = ["vegan", "vegetarian", "gluten_free", "nut_free"]

PANTRY = {
    "tofu": {"vegan", "vegetarian", "gluten_free", "nut_free"},
    "rice": {"vegan", "vegetarian", "gluten_free", "nut_free"},
    "broccoli": {"vegan", "vegetarian", "gluten_free", "nut_free"},
    "soy_sauce": {"vegan", "vegetarian", "nut_free"},
    "pasta": {"vegan", "vegetarian", "nut_free"},
    "bread": {"vegan", "vegetarian", "nut_free"},
    "almonds": {"vegan", "vegetarian", "gluten_free"},
    "peanut_butter": {"vegan", "vegetarian", "gluten_free"},
    "cheddar": {"vegetarian", "gluten_free", "nut_free"},
    "egg": {"vegetarian", "gluten_free", "nut_free"},
    "butter": {"vegetarian", "gluten_free", "nut_free"},
    "chicken": {"gluten_free", "nut_free"},
    "bacon": {"gluten_free", "nut_free"},
    "salmon": {"gluten_free", "nut_free"},
    "flour": {"vegan", "vegetarian", "nut_free"},
    "pesto": {"vegetarian", "gluten_free"},
}
INGREDIENTS = sorted(PANTRY)
ING_INDEX = {name: i for i, name in enumerate(INGREDIENTS)}


def synth_recipes(n):
    """Random ingredient lists; a tag holds only if every ingredient allows it."""
    out = []
    for _ in range(n):
        items = random.sample(INGREDIENTS, k=random.randint(2, 5))
        allowed = set(DIET_TAGS)
        for it in items:
            allowed &= PANTRY[it]
        out.append({"ingredients": items, "tags": allowed})
    return out


def to_bag(recipes):
    """Flatten ingredient ids + offsets for nn.EmbeddingBag."""
    flat, offsets = [], []
    for r in recipes:
        offsets.append(len(flat))
        flat.extend(ING_INDEX[name] for name in r["ingredients"])
    return torch.tensor(flat), torch.tensor(offsets)


def tag_matrix(recipes):
    rows = [[1 if tag in r["tags"] else 0 for tag in DIET_TAGS] for r in recipes]
    return torch.tensor(rows, dtype=torch.float)


class DietTagger(nn.Module):
    def __init__(self, n_ingredients, n_tags, dim=24):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_ingredients, dim, mode="mean")
        self.score = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, n_tags))

    def forward(self, flat_ids, offsets):
        return self.score(self.bag(flat_ids, offsets))


def evaluate(model, recipes):
    model.eval()
    flat, offs = to_bag(recipes)
    with torch.no_grad():
        probs = torch.sigmoid(model(flat, offs))
    truth = tag_matrix(recipes).bool()
    acc = ((probs > 0.5) == truth).float().mean(0)
    model.train()
    return {tag: round(a.item(), 3) for tag, a in zip(DIET_TAGS, acc)}


def main():
    train_set = synth_recipes(240)
    val_set = synth_recipes(60)

    model = DietTagger(len(INGREDIENTS), len(DIET_TAGS))
    optim = torch.optim.Adam(model.parameters(), lr=1e-2)
    criterion = nn.BCEWithLogitsLoss()

    batch_size = 32
    for epoch in range(6):
        random.shuffle(train_set)
        running = 0.0
        for i in range(0, len(train_set), batch_size):
            chunk = train_set[i:i + batch_size]
            flat_ids, offsets = to_bag(chunk)
            tag_targets = tag_matrix(chunk)
            logits = model(flat_ids, offsets)
            loss = criterion(logits, tag_targets)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item() * len(chunk)
        print(f"epoch {epoch}  bce {running / len(train_set):.4f}  val acc {evaluate(model, val_set)}")

    demo = {"ingredients": ["tofu", "rice", "soy_sauce"], "tags": set()}
    flat, offs = to_bag([demo])
    with torch.no_grad():
        p = torch.sigmoid(model(flat, offs))[0]
    print({tag: round(v, 2) for tag, v in zip(DIET_TAGS, p.tolist())})


if __name__ == "__main__":
    main()
