"""Step timing model: reads a recipe as a sequence of method steps and
regresses how many minutes each step takes (for a kitchen timer app)."""
import math

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(3)

# (step text, minutes)
RECIPE_BOOK = {
    "shakshuka": [
        ("soften onion and pepper in oil", 8),
        ("add garlic cumin and paprika", 1),
        ("pour in tomatoes and simmer", 10),
        ("crack in eggs cover and cook", 6),
    ],
    "banana bread": [
        ("mash bananas with melted butter", 3),
        ("stir in sugar egg and vanilla", 2),
        ("fold in flour and baking soda", 2),
        ("bake in loaf tin", 60),
        ("cool on rack", 15),
    ],
    "fried rice": [
        ("scramble eggs and set aside", 2),
        ("stir fry garlic and spring onion", 1),
        ("add cold rice and soy sauce", 5),
    ],
    "risotto": [
        ("soften shallot in butter", 5),
        ("toast rice until translucent", 2),
        ("add wine and let it bubble away", 2),
        ("add stock a ladle at a time stirring", 18),
        ("beat in parmesan and butter", 1),
        ("rest covered", 2),
    ],
    "pancakes": [
        ("whisk flour egg and milk", 3),
        ("rest the batter", 30),
        ("fry in hot pan flipping once", 12),
    ],
}


def build_lexicon(book):
    lex = {"<unk>": 0}
    for steps in book.values():
        for text, _ in steps:
            for w in text.split():
                lex.setdefault(w, len(lex))
    return lex


def encode_recipe(steps, lex):
    """Flatten step words for EmbeddingBag and keep per-step offsets."""
    flat, offsets = [], []
    for text, _ in steps:
        offsets.append(len(flat))
        flat.extend(lex.get(w, 0) for w in text.split())
    minutes = torch.tensor([float(m) for _, m in steps])
    return torch.tensor(flat), torch.tensor(offsets), minutes


class StepTimer(nn.Module):
    def __init__(self, n_words, dim=32):
        super().__init__()
        self.step_bag = nn.EmbeddingBag(n_words, dim, mode="mean")
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, 1)

    def forward(self, recipes):
        step_vecs = [self.step_bag(words, offsets) for words, offsets, _ in recipes]
        padded = pad_sequence(step_vecs, batch_first=True)      # (recipes, max_steps, dim)
        states, _ = self.rnn(padded)
        return self.out(states).squeeze(-1)                      # log-minutes per step


def timing_loss(log_minutes_pred, recipes):
    errors = []
    for r, (_, _, minutes) in enumerate(recipes):
        target = torch.log1p(minutes)
        for s in range(target.size(0)):
            errors.append((log_minutes_pred[r, s] - target[s]) ** 2)
    return torch.stack(errors).mean()


def batches(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def main():
    lex = build_lexicon(RECIPE_BOOK)
    encoded = [encode_recipe(steps, lex) for steps in RECIPE_BOOK.values()]
    names = list(RECIPE_BOOK)

    timer = StepTimer(len(lex))
    opt = torch.optim.Adam(timer.parameters(), lr=5e-3)

    for epoch in range(40):
        epoch_loss = 0.0
        for group in batches(encoded, 2):
            pred = timer(group)
            loss = timing_loss(pred, group)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d}  mse(log-min) {epoch_loss:.3f}")

    timer.eval()
    with torch.no_grad():
        pred = timer(encoded)
    for r, name in enumerate(names):
        n_steps = len(RECIPE_BOOK[name])
        est = sum(math.expm1(v) for v in pred[r, :n_steps].tolist())
        true = sum(m for _, m in RECIPE_BOOK[name])
        print(f"{name:>14s}: predicted {est:6.1f} min, actual {true} min")


if __name__ == "__main__":
    main()
