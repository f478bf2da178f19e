import random

import torch
from torch import nn

torch.manual_seed(0)
random.seed(0)

# daily seed-packet sales per garden centre: (store, weekday, temperature, rain_mm, packets_sold)
TRAIN_ROWS = [
    ("harrow", 0, 14.0, 0.0, 31), ("harrow", 5, 18.5, 0.0, 52), ("leeds", 1, 11.0, 4.2, 17),
    ("leeds", 6, 15.5, 0.0, 40), ("norwich", 2, 16.0, 1.0, 26), ("norwich", 5, 19.0, 0.0, 48),
    ("truro", 3, 17.5, 0.0, 29), ("truro", 6, 20.0, 0.4, 55), ("harrow", 3, 12.5, 6.0, 14),
    ("leeds", 4, 13.0, 2.1, 21), ("norwich", 0, 10.5, 8.3, 9), ("truro", 1, 15.0, 0.0, 24),
]
VAL_ROWS = [
    ("truro", 5, 21.0, 0.0, 60), ("kendal", 5, 13.5, 5.5, 22), ("leeds", 2, 12.0, 3.0, 18),
    ("harrow", 6, 19.5, 0.0, 57), ("norwich", 4, 14.5, 0.0, 27), ("kendal", 1, 9.0, 11.0, 7),
]


def make_index(rows):
    index = {"<unk>": 0}
    for store, *_ in rows:
        if store not in index:
            index[store] = len(index)
    return index


def encode(rows, index):
    stores = torch.tensor([index.get(r[0], 0) for r in rows])
    numeric = torch.tensor([[r[1] / 6.0, r[2] / 20.0, r[3] / 10.0] for r in rows])
    target = torch.tensor([float(r[4]) for r in rows])
    return stores, numeric, target


class SalesModel(nn.Module):
    def __init__(self, n_stores, emb_dim=8):
        super().__init__()
        self.store_emb = nn.Embedding(n_stores, emb_dim)
        self.mlp = nn.Sequential(nn.Linear(emb_dim + 3, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, stores, numeric):
        h = torch.cat([self.store_emb(stores), numeric], dim=-1)
        return self.mlp(h).squeeze(-1)


store_ids = make_index(TRAIN_ROWS)
print(f"{len(store_ids)} store ids (incl. <unk>): {sorted(store_ids)}")

train_stores, train_num, train_y = encode(TRAIN_ROWS, store_ids)
val_stores, val_num, val_y = encode(VAL_ROWS, make_index(VAL_ROWS))

model = SalesModel(len(store_ids), 8)
opt = torch.optim.Adam(model.parameters(), lr=0.05)
loss_fn = nn.MSELoss()

for epoch in range(40):
    model.train()
    opt.zero_grad()
    loss = loss_fn(model(train_stores, train_num), train_y)
    loss.backward()
    opt.step()
    if epoch % 10 == 9:
        model.eval()
        with torch.no_grad():
            val_loss = loss_fn(model(val_stores, val_num), val_y)
        print(f"epoch {epoch + 1}: train mse {loss.item():.1f}  val mse {val_loss.item():.1f}")

model.eval()
with torch.no_grad():
    preds = model(val_stores, val_num)
for row, p in zip(VAL_ROWS, preds.tolist()):
    print(f"{row[0]:>8} day {row[1]}: predicted {p:5.1f}, actual {row[4]}")
