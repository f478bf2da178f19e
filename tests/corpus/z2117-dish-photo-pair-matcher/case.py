"""Tiny image-recipe pair matcher: does this dish photo go with this ingredient list?
Photos are synthetic 32x32 tensors, ingredients are bags of ids."""
import random

import torch
from torch import nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

PANTRY = ["flour", "egg", "milk", "sugar", "butter", "rice", "soy", "ginger", "garlic",
          "tomato", "basil", "mozzarella", "salmon", "nori", "lime", "chili", "cocoa", "yeast"]
ING_INDEX = {name: i + 1 for i, name in enumerate(PANTRY)}  # 0 is padding

DISHES = [
    ["flour", "egg", "milk", "sugar", "butter"],
    ["rice", "soy", "salmon", "nori"],
    ["tomato", "basil", "mozzarella", "flour", "yeast"],
    ["garlic", "ginger", "chili", "soy", "rice", "lime"],
    ["cocoa", "sugar", "butter", "egg", "flour"],
    ["salmon", "lime", "chili"],
]


def fake_photo(ingredients):
    """A colour blob whose tint depends on the ingredient ids, plus noise."""
    ids = torch.tensor([ING_INDEX[x] for x in ingredients], dtype=torch.float)
    tint = torch.stack([ids.mean(), ids.std(), ids.max()]) / len(PANTRY)
    img = tint.view(3, 1, 1).expand(3, 32, 32).clone()
    return img + 0.1 * torch.randn(3, 32, 32)


class PhotoEncoder(nn.Module):
    def __init__(self, channels=(3, 16, 32, 64), grid=2):
        super().__init__()
        layers = []
        for c_in, c_out in zip(channels[:-1], channels[1:]):
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        self.body = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(grid)
        self.out_dim = channels[-1]

    def forward(self, photos):
        return self.pool(self.body(photos)).flatten(1)


class IngredientEncoder(nn.Module):
    def __init__(self, n_ingredients, dim=48):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_ingredients + 1, dim, mode="mean", padding_idx=0)
        self.out_dim = dim

    def forward(self, ing_ids):
        return self.bag(ing_ids)


class PairMatcher(nn.Module):
    def __init__(self):
        super().__init__()
        self.photo_enc = PhotoEncoder()
        self.ing_enc = IngredientEncoder(len(PANTRY))
        joint = self.photo_enc.out_dim + self.ing_enc.out_dim
        self.match_head = nn.Sequential(nn.Linear(joint, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, photos, ing_ids):
        pair = torch.cat([self.photo_enc(photos), self.ing_enc(ing_ids)], dim=1)
        return self.match_head(pair).squeeze(1)


def pad_ingredients(lists):
    width = max(len(x) for x in lists)
    out = torch.zeros(len(lists), width, dtype=torch.long)
    for row, names in enumerate(lists):
        out[row, :len(names)] = torch.tensor([ING_INDEX[n] for n in names])
    return out


def make_pairs():
    pairs = []
    for i, dish in enumerate(DISHES):
        photo = fake_photo(dish)
        pairs.append((photo, dish, 1.0))
        other = DISHES[(i + random.randint(1, len(DISHES) - 1)) % len(DISHES)]
        pairs.append((photo, other, 0.0))
    random.shuffle(pairs)
    return pairs


def main():
    pairs = make_pairs()
    model = PairMatcher()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(5):
        total = 0.0
        for start in range(0, len(pairs), 4):
            chunk = pairs[start:start + 4]
            photos = torch.stack([p for p, _, _ in chunk])
            ing_ids = pad_ingredients([ings for _, ings, _ in chunk])
            is_match = torch.tensor([y for _, _, y in chunk])
            score = model(photos, ing_ids)
            loss = F.binary_cross_entropy_with_logits(score, is_match)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(chunk)
        print(f"epoch {epoch}: bce {total / len(pairs):.4f}")

    with torch.no_grad():
        photos = torch.stack([fake_photo(d) for d in DISHES])
        sims = torch.sigmoid(model(photos, pad_ingredients(DISHES)))
    print("matched-pair probabilities:", [round(v, 2) for v in sims.tolist()])


if __name__ == "__main__":
    main()
