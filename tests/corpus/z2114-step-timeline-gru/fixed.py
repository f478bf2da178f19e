"""Cooking-timeline model: read a recipe's steps in order and predict how many
minutes have elapsed when each step is finished (so the app can say
"dinner ready at 19:40").

Each step is a short phrase -> EmbeddingBag; a GRU runs over the step sequence and
emits a non-negative duration per step; the durations are accumulated into a
running clock that is compared with the true clock.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

MAX_STEPS = 8          # recipes with more steps are dropped from the corpus
BATCH = 16

ACTIONS = {"chop": 5, "dice": 6, "stir": 2, "whisk": 3, "boil": 10, "simmer": 25,
           "bake": 35, "roast": 45, "rest": 10, "fry": 8, "knead": 12, "proof": 60,
           "marinate": 40, "season": 1, "plate": 2}
OBJECTS = ["onion", "garlic", "dough", "sauce", "stock", "potatoes", "chicken", "rice",
           "batter", "vegetables", "beans", "fillet"]
WORDS = ["<pad>"] + sorted(ACTIONS) + OBJECTS + ["the", "until", "soft", "golden", "well"]
WORD_ID = {w: i for i, w in enumerate(WORDS)}


def random_recipe():
    n_steps = random.randint(3, MAX_STEPS + 2)
    steps, minutes = [], []
    for _ in range(n_steps):
        verb = random.choice(list(ACTIONS))
        phrase = [verb, "the", random.choice(OBJECTS)] + random.sample(["until", "soft", "golden", "well"], 1)
        steps.append(phrase)
        minutes.append(max(1.0, ACTIONS[verb] * random.uniform(0.8, 1.2)))
    return {"steps": steps, "minutes": minutes}


def build_corpus(n):
    recipes = [random_recipe() for _ in range(n)]
    return [r for r in recipes if len(r["steps"]) <= MAX_STEPS]


def collate(recipes):
    """Pad every recipe in the batch to the longest one in that batch."""
    longest = max(len(r["steps"]) for r in recipes)
    flat, offsets = [], []
    clock = torch.zeros(len(recipes), longest)
    mask = torch.zeros(len(recipes), longest, dtype=torch.bool)
    for b, r in enumerate(recipes):
        for s in range(longest):
            offsets.append(len(flat))
            if s < len(r["steps"]):
                flat.extend(WORD_ID[w] for w in r["steps"][s])
                mask[b, s] = True
            else:
                flat.append(WORD_ID["<pad>"])
        clock[b, : len(r["minutes"])] = torch.tensor(r["minutes"]).cumsum(0)
    return torch.tensor(flat), torch.tensor(offsets), clock, mask, longest


class StepTimer(nn.Module):
    def __init__(self, vocab, dim=32):
        super().__init__()
        self.step_enc = nn.EmbeddingBag(vocab, dim, mode="mean", padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.duration = nn.Linear(dim, 1)

    def forward(self, flat, offsets, n_recipes, n_steps):
        steps = self.step_enc(flat, offsets).view(n_recipes, n_steps, -1)
        out, _ = self.gru(steps)
        return F.softplus(self.duration(out)).squeeze(-1)


def elapsed_schedule(step_minutes):
    """Turn per-step durations (recipes, steps) into a running clock."""
    running = torch.zeros(step_minutes.size(0))
    ticks = []
    for s in range(step_minutes.size(1)):
        running = running + step_minutes[:, s]
        ticks.append(running)
    return torch.stack(ticks, dim=1)


def main():
    corpus = build_corpus(400)
    split = int(0.85 * len(corpus))
    train, held_out = corpus[:split], corpus[split:]
    print(f"{len(train)} train recipes, {len(held_out)} held out")

    model = StepTimer(len(WORDS))
    optim = torch.optim.Adam(model.parameters(), lr=5e-3)

    for epoch in range(4):
        random.shuffle(train)
        total, count = 0.0, 0
        for i in range(0, len(train), BATCH):
            chunk = train[i:i + BATCH]
            flat, offsets, clock, mask, longest = collate(chunk)
            step_minutes = model(flat, offsets, len(chunk), longest)
            predicted_clock = elapsed_schedule(step_minutes)
            loss = F.smooth_l1_loss(predicted_clock[mask], clock[mask])
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item() * len(chunk)
            count += len(chunk)
        print(f"epoch {epoch}: clock loss {total / count:.2f}")

    with torch.no_grad():
        flat, offsets, clock, mask, longest = collate(held_out)
        predicted_clock = elapsed_schedule(model(flat, offsets, len(held_out), longest))
        last = mask.sum(1) - 1
        rows = torch.arange(len(held_out))
        err = (predicted_clock[rows, last] - clock[rows, last]).abs().mean()
    print(f"held-out mean error on total time: {err.item():.1f} min")


if __name__ == "__main__":
    main()
