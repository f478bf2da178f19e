import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

random.seed(3)
torch.manual_seed(3)

PANTRY = {
    "italian": ["basil", "tomato", "parmesan", "olive_oil", "garlic", "pasta", "oregano", "mozzarella"],
    "mexican": ["tortilla", "cumin", "chili", "black_beans", "lime", "cilantro", "avocado", "corn"],
    "japanese": ["soy_sauce", "mirin", "rice", "nori", "dashi", "miso", "ginger", "scallion"],
    "indian": ["garam_masala", "turmeric", "ghee", "lentils", "cumin", "ginger", "yogurt", "cardamom"],
    "french": ["butter", "shallot", "thyme", "cream", "white_wine", "dijon", "tarragon", "garlic"],
}
CUISINES = sorted(PANTRY)

recipes = []
for cuisine in CUISINES:
    for _ in range(14):
        k = random.randint(4, 7)
        items = random.sample(PANTRY[cuisine], k - 1) + [random.choice(["salt", "pepper", "onion", "water"])]
        random.shuffle(items)
        recipes.append({
            "ingredients": items,
            "minutes": random.randint(10, 120),
            "servings": random.randint(1, 8),
            "cuisine": cuisine,
        })
random.shuffle(recipes)

ingr_index = {"<pad>": 0}
for r in recipes:
    for it in r["ingredients"]:
        ingr_index.setdefault(it, len(ingr_index))

NUMERIC = ["minutes", "servings"]


def collate(rows):
    seqs = [torch.tensor([ingr_index[i] for i in r["ingredients"]]) for r in rows]
    lengths = torch.tensor([len(s) for s in seqs])
    numeric = torch.tensor([[r["minutes"] / 60.0, r["servings"] / 4.0] for r in rows])
    target = torch.tensor([CUISINES.index(r["cuisine"]) for r in rows])
    return pad_sequence(seqs, batch_first=True), lengths, numeric, target


class CuisineModel(nn.Module):
    def __init__(self, n_ingr, n_numeric, n_cuisines, emb=32, hidden=64):
        super().__init__()
        self.parts = nn.ModuleDict({
            "embed": nn.Embedding(n_ingr, emb, padding_idx=0),
            "encoder": nn.GRU(emb, hidden, batch_first=True, bidirectional=True),
            "numeric": nn.Sequential(nn.Linear(n_numeric, 8), nn.ReLU()),
            "classifier": nn.Sequential(
                nn.Linear(2 * hidden + 8, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, n_cuisines)
            ),
        })

    def forward(self, ingr, lengths, numeric):
        emb = self.parts["embed"](ingr)
        packed = nn.utils.rnn.pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.parts["encoder"](packed)
        text_vec = torch.cat([h[-2], h[-1]], dim=-1)
        num_vec = self.parts["numeric"](numeric)
        return self.parts["classifier"](torch.cat([text_vec, num_vec], dim=-1))


model = CuisineModel(len(ingr_index), len(NUMERIC), len(CUISINES))
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.CrossEntropyLoss()

split = int(0.8 * len(recipes))
train_rows, test_rows = recipes[:split], recipes[split:]

for epoch in range(6):
    model.train()
    random.shuffle(train_rows)
    seen, total = 0, 0.0
    for i in range(0, len(train_rows), 16):
        ingr, lengths, numeric, target = collate(train_rows[i:i + 16])
        logits = model(ingr, lengths, numeric)
        loss = loss_fn(logits, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        seen += len(target)
        total += loss.item() * len(target)
    print(f"epoch {epoch} loss {total / seen:.3f}")

model.eval()
with torch.no_grad():
    ingr, lengths, numeric, target = collate(test_rows)
    pred = model(ingr, lengths, numeric).argmax(-1)
print("test accuracy:", (pred == target).float().mean().item())
