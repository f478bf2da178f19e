import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(0)
torch.manual_seed(0)

N_SHOPS = 12
N_ITEMS = 800

sales_log = [
    {"shop_id": random.randrange(N_SHOPS), "item_id": random.randrange(N_ITEMS),
     "price": random.uniform(1.0, 60.0), "units": float(random.randint(0, 9))}
    for _ in range(256)
]


class DailySalesDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        return {
            "shop": torch.tensor(row["item_id"]),
            "item": torch.tensor(row["item_id"]),
            "price": torch.tensor([row["price"] / 60.0]),
            "units": torch.tensor(row["units"]),
        }


class UnitsRegressor(nn.Module):
    def __init__(self, d=16):
        super().__init__()
        self.shop_emb = nn.Embedding(N_SHOPS, d)
        self.item_emb = nn.Embedding(N_ITEMS, d)
        self.mlp = nn.Sequential(nn.Linear(2 * d + 1, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, shop, item, price):
        h = torch.cat([self.shop_emb(shop), self.item_emb(item), price], dim=-1)
        return self.mlp(h).squeeze(-1)


loader = DataLoader(DailySalesDataset(sales_log), batch_size=32, shuffle=True)
model = UnitsRegressor()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.MSELoss()

for epoch in range(2):
    total = 0.0
    for batch in loader:
        pred = model(batch["shop"], batch["item"], batch["price"])
        loss = loss_fn(pred, batch["units"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} mse {total / len(loader):.3f}")
