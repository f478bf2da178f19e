"""Next-category intent model for the fashion storefront.

Given a shopper's recent product views, predict which category they will
browse next so the homepage carousel can be re-ordered.
"""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(11)
torch.manual_seed(11)

HISTORY = 5
EMB_DIM = 24

workdir = tempfile.mkdtemp(prefix="fashion_intent_")

# ---- export of the categories table ------------------------------------------
category_rows = [
    (1, "dresses"), (2, "tops"), (3, "jeans"), (4, "outerwear"),
    (5, "sneakers"), (6, "boots"), (7, "bags"), (8, "accessories"),
]
with open(os.path.join(workdir, "categories.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["category_id", "name"])
    w.writerows(category_rows)

# ---- product catalogue: 120 products spread over categories --------------------
with open(os.path.join(workdir, "products.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["product_id", "category_id"])
    for pid in range(120):
        w.writerow([pid, 1 + pid % len(category_rows)])

# ---- view log: each shopper mostly sticks to two categories ------------------
with open(os.path.join(workdir, "views.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["shopper_id", "product_id", "ts"])
    for shopper in range(40):
        fav = random.sample(range(len(category_rows)), 2)
        for t in range(random.randint(8, 20)):
            c = random.choice(fav)
            pid = c + len(category_rows) * random.randint(0, 14)
            w.writerow([shopper, pid, t])


def read_csv(name):
    with open(os.path.join(workdir, name)) as f:
        return list(csv.DictReader(f))


categories = read_csv("categories.csv")
product_cat = {int(r["product_id"]): int(r["category_id"]) for r in read_csv("products.csv")}
n_products = len(product_cat)
n_categories = len(categories)

views_by_shopper = {}
for r in sorted(read_csv("views.csv"), key=lambda r: (int(r["shopper_id"]), int(r["ts"]))):
    views_by_shopper.setdefault(int(r["shopper_id"]), []).append(int(r["product_id"]))
n_shoppers = len(views_by_shopper)


class NextCategoryDataset(Dataset):
    def __init__(self, views_by_shopper):
        self.samples = []
        for shopper, seq in views_by_shopper.items():
            for i in range(HISTORY, len(seq)):
                recent = seq[i - HISTORY:i]
                next_cat = product_cat[seq[i]]
                self.samples.append((shopper, recent, next_cat))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        shopper, recent, next_cat = self.samples[idx]
        return torch.tensor(shopper), torch.tensor(recent), torch.tensor(next_cat)


class IntentModel(nn.Module):
    def __init__(self, n_shoppers, n_products, n_categories):
        super().__init__()
        self.shopper_emb = nn.Embedding(n_shoppers, EMB_DIM)
        self.product_emb = nn.Embedding(n_products, EMB_DIM)
        self.mlp = nn.Sequential(
            nn.Linear(2 * EMB_DIM, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, n_categories)
        )

    def forward(self, shopper, recent):
        u = self.shopper_emb(shopper)
        h = self.product_emb(recent).mean(dim=1)
        return self.mlp(torch.cat([u, h], dim=-1))


ds = NextCategoryDataset(views_by_shopper)
loader = DataLoader(ds, batch_size=32, shuffle=True)
print(f"{len(ds)} samples, {n_shoppers} shoppers, {n_products} products, {n_categories} categories")

model = IntentModel(n_shoppers, n_products, n_categories)
optim = torch.optim.Adam(model.parameters(), lr=5e-3)
criterion = nn.CrossEntropyLoss()

for epoch in range(4):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for shopper, recent, next_cat in loader:
        logits = model(shopper, recent)
        loss = criterion(logits, next_cat)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item() * len(next_cat)
        correct += (logits.argmax(-1) == next_cat).sum().item()
        seen += len(next_cat)
    print(f"epoch {epoch}: loss={total / seen:.3f} acc={correct / seen:.3f}")

# ---- carousel order for one shopper -----------------------------------------
model.eval()
with torch.no_grad():
    s = torch.tensor([0])
    r = torch.tensor([views_by_shopper[0][-HISTORY:]])
    probs = model(s, r).softmax(-1)[0]
names = [row["name"] for row in categories]
order = probs.argsort(descending=True).tolist()
print("carousel:", [names[i] for i in order])
