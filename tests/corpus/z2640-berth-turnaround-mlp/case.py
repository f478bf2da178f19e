# %% [markdown]
# # Berth turnaround regression — container terminal port calls
# Predict hours alongside (first line ashore -> last line off) from vessel particulars
# and the berth plan. Export of `turnaround_mlp.ipynb`.

# %%
import csv
import os
import random
from datetime import datetime, timedelta

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

SEED = 17
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
CALLS_CSV = os.path.join(HERE, "port_calls_2023.csv")

# %%
FEATURE_COLS = ["loa_m", "beam_m", "dwt_kt", "teu_capacity", "cranes_assigned", "arrival_hour"]
TARGET_COL = "hours_alongside"
N_FEATURES = len(FEATURE_COLS)
TERMINALS = ["CT1", "CT2", "EUROGATE", "TOLLERORT"]
BATCH_SIZE = 32
EPOCHS = 8

# %% synthetic extract from the port community system
def fake_port_calls(n, start=datetime(2023, 1, 1)):
    for i in range(n):
        teu = random.choice([1700, 2500, 4300, 8500, 11000, 14000, 18000, 23000])
        loa = 120 + teu ** 0.5 * 1.9 + random.gauss(0, 6)
        beam = 20 + teu ** 0.5 * 0.2 + random.gauss(0, 1)
        dwt = teu * 0.013 + random.gauss(0, 4)
        cranes = min(7, max(2, int(teu / 3500) + random.randint(1, 2)))
        ata = start + timedelta(hours=random.uniform(0, 24 * 365))
        terminal = random.choice(TERMINALS)
        moves = teu * random.uniform(0.18, 0.35)
        hours = moves / (cranes * random.uniform(24, 32)) + 3.5 + (1.5 if terminal == "TOLLERORT" else 0)
        yield {
            "call_id": f"PC{i:05d}",
            "imo": 9300000 + random.randint(0, 99999),
            "terminal": terminal,
            "ata": ata.isoformat(timespec="minutes"),
            "loa_m": round(loa, 1),
            "beam_m": round(beam, 1),
            "dwt_kt": round(dwt, 1),
            "teu_capacity": teu,
            "cranes_assigned": cranes,
            "arrival_hour": ata.hour,
            "hours_alongside": round(hours, 2),
        }

with open(CALLS_CSV, "w", newline="") as fh:
    rows = list(fake_port_calls(900))
    w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)

# %%
with open(CALLS_CSV, newline="") as fh:
    rows = list(csv.DictReader(fh))
print(len(rows), "port calls;", rows[0])

# %% terminal one-hot + weekend flag (the berth planners say weekends are slower)
for r in rows:
    for t in TERMINALS:
        r[f"terminal_{t}"] = 1.0 if r["terminal"] == t else 0.0
    r["is_weekend"] = 1.0 if datetime.fromisoformat(r["ata"]).weekday() >= 5 else 0.0

FEATURE_COLS = FEATURE_COLS + [f"terminal_{t}" for t in TERMINALS] + ["is_weekend"]
print(FEATURE_COLS)

# %%
X = np.array([[float(r[c]) for c in FEATURE_COLS] for r in rows], dtype=np.float32)
y = np.array([float(r[TARGET_COL]) for r in rows], dtype=np.float32)

idx = np.random.permutation(len(rows))
n_train = int(0.8 * len(rows))
train_idx, val_idx = idx[:n_train], idx[n_train:]

mu = X[train_idx].mean(axis=0)
sd = X[train_idx].std(axis=0) + 1e-6
X = (X - mu) / sd
y_mu, y_sd = y[train_idx].mean(), y[train_idx].std()
y = (y - y_mu) / y_sd

train_ds = TensorDataset(torch.from_numpy(X[train_idx]), torch.from_numpy(y[train_idx]))
val_ds = TensorDataset(torch.from_numpy(X[val_idx]), torch.from_numpy(y[val_idx]))
train_dl = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=256)

# %%
class TurnaroundMLP(nn.Module):
    def __init__(self, n_in, hidden=64, dropout=0.1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden // 2),
            nn.ReLU(),
            nn.Linear(hidden // 2, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)

model = TurnaroundMLP(n_in=N_FEATURES)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
loss_fn = nn.SmoothL1Loss()

# %%
def evaluate(model, dl):
    model.eval()
    err = []
    with torch.no_grad():
        for xb, yb in dl:
            pred = model(xb) * y_sd + y_mu
            err.append((pred - (yb * y_sd + y_mu)).abs())
    model.train()
    return torch.cat(err).mean().item()

for epoch in range(EPOCHS):
    running = 0.0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        running += loss.item() * len(xb)
    print(f"epoch {epoch}  train {running / len(train_ds):.4f}  val MAE {evaluate(model, val_dl):.2f} h")

# %%
xb, yb = next(iter(val_dl))
with torch.no_grad():
    pred_h = model(xb[:5]) * y_sd + y_mu
print("pred hours alongside:", pred_h.numpy().round(1), "actual:", (yb[:5] * y_sd + y_mu).numpy().round(1))
