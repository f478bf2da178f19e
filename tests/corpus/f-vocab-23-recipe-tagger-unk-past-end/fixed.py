import torch
import torch.nn as nn

TRAIN_RECIPES = [
    ("whisk eggs with sugar and fold in flour", 0),
    ("simmer tomatoes with garlic and basil", 1),
    ("knead dough and bake until golden", 0),
    ("sear beef then simmer with onions", 1),
    ("fold cream into melted chocolate", 0),
    ("saute garlic and onions in olive oil", 1),
]
TEST_RECIPES = ["braise lamb shanks with garlic and rosemary", "whisk cream with sugar"]


def build_ingredient_vocab(recipes):
    ingredient_vocab = {"<pad>": 0, "<unk>": 1}
    for text, _ in recipes:
        for word in text.split():
            ingredient_vocab.setdefault(word, len(ingredient_vocab))
    return ingredient_vocab


def encode_recipe(text, ingredient_vocab, max_len=10):
    ids = [ingredient_vocab.get(w, ingredient_vocab["<unk>"]) for w in text.lower().split()][:max_len]
    return ids + [0] * (max_len - len(ids))


class DishCourseClassifier(nn.Module):
    def __init__(self, vocab_size, dim=32, n_courses=2):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.out = nn.Linear(dim, n_courses)

    def forward(self, ids):
        return self.out(self.embed(ids))


def main():
    torch.manual_seed(3)
    ingredient_vocab = build_ingredient_vocab(TRAIN_RECIPES)
    model = DishCourseClassifier(vocab_size=len(ingredient_vocab))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    x = torch.tensor([encode_recipe(t, ingredient_vocab) for t, _ in TRAIN_RECIPES])
    y = torch.tensor([c for _, c in TRAIN_RECIPES])
    for epoch in range(20):
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"final train loss {loss.item():.4f}")
    model.eval()
    with torch.no_grad():
        test_x = torch.tensor([encode_recipe(t, ingredient_vocab) for t in TEST_RECIPES])
        preds = model(test_x).argmax(-1).tolist()
    for text, p in zip(TEST_RECIPES, preds):
        print(f"{p}  {text}")


if __name__ == "__main__":
    main()
