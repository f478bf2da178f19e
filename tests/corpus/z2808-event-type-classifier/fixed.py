# %% [markdown]
# Match event type classifier: predict the event type from on-ball geometry
# (start/end location, timing) exported from the event feed.

# %%
import csv
import itertools
import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

CFG = {
    "seed": 11,
    "n_matches": 6,
    "events_per_match": 180,
    "batch_size": 64,
    "epochs": 3,
    "lr": 3e-3,
    "hidden": 48,
}

random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])

HERE = os.path.dirname(os.path.abspath(__file__))
EVENTS_CSV = os.path.join(HERE, "events_export.csv")

# feed type ids as documented by the provider
EVENT_TYPES = {1: "pass", 2: "carry", 3: "shot", 4: "clearance", 5: "dribble", 6: "cross"}

# %%
def synth_event(match_id, idx):
    type_id = random.choice(list(EVENT_TYPES))
    x, y = random.uniform(0, 105), random.uniform(0, 68)
    reach = {1: 18, 2: 8, 3: 25, 4: 35, 5: 5, 6: 30}[type_id]
    ex = min(105.0, x + random.gauss(reach * 0.6, reach * 0.3))
    ey = min(68.0, max(0.0, y + random.gauss(0, reach * 0.4)))
    return {
        "match_id": match_id,
        "event_idx": idx,
        "minute": round(idx * 90 / CFG["events_per_match"] + random.random(), 2),
        "type_id": type_id,
        "x": round(x, 2), "y": round(y, 2),
        "end_x": round(ex, 2), "end_y": round(ey, 2),
        "duration": round(abs(random.gauss(reach / 10, 0.5)), 2),
    }

with open(EVENTS_CSV, "w", newline="") as fh:
    writer = csv.DictWriter(fh, fieldnames=list(synth_event(0, 0).keys()))
    writer.writeheader()
    for m, i in itertools.product(range(CFG["n_matches"]), range(CFG["events_per_match"])):
        writer.writerow(synth_event(m, i))

# %%
with open(EVENTS_CSV, newline="") as fh:
    rows = list(csv.DictReader(fh))

by_match = {k: list(g) for k, g in itertools.groupby(rows, key=lambda r: int(r["match_id"]))}
train_ids = [m for m in by_match if m < CFG["n_matches"] - 1]
val_ids = [m for m in by_match if m not in train_ids]
print("matches:", len(by_match), "train:", train_ids, "val:", val_ids)

# %%
num = lambda r, k: float(r[k])

def featurize(r):
    x, y, ex, ey = num(r, "x"), num(r, "y"), num(r, "end_x"), num(r, "end_y")
    dx, dy = ex - x, ey - y
    return [
        x / 105, y / 68, ex / 105, ey / 68,
        dx / 105, dy / 68, np.hypot(dx, dy) / 50,
        num(r, "duration") / 5, num(r, "minute") / 90,
        np.hypot(105 - ex, 34 - ey) / 60,
    ]

class EventSet(Dataset):
    def __init__(self, match_ids):
        evs = list(itertools.chain.from_iterable(by_match[m] for m in match_ids))
        self.X = torch.tensor([featurize(r) for r in evs], dtype=torch.float32)
        self.y = torch.tensor([int(r["type_id"]) - 1 for r in evs], dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]

train_ds, val_ds = EventSet(train_ids), EventSet(val_ids)
mu, sd = train_ds.X.mean(0), train_ds.X.std(0) + 1e-6
for ds in (train_ds, val_ds):
    ds.X = (ds.X - mu) / sd

train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)
val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"])
print("train events:", len(train_ds), "val events:", len(val_ds))

# %%
class EventMLP(nn.Module):
    def __init__(self, n_in, n_classes, hidden):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, hidden), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x):
        return self.net(x)

n_classes = len(EVENT_TYPES)
model = EventMLP(train_ds.X.shape[1], n_classes, CFG["hidden"])
opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

# %%
def run_epoch(loader, train=True):
    model.train(train)
    tot, correct, n = 0.0, 0, 0
    with torch.set_grad_enabled(train):
        for xb, yb in loader:
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            if train:
                opt.zero_grad()
                loss.backward()
                opt.step()
            tot += loss.item() * len(yb)
            correct += (logits.argmax(-1) == yb).sum().item()
            n += len(yb)
    return tot / n, correct / n

for epoch in range(CFG["epochs"]):
    tr_loss, tr_acc = run_epoch(train_dl)
    va_loss, va_acc = run_epoch(val_dl, train=False)
    print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2%}  val {va_loss:.3f}/{va_acc:.2%}")

# %%
model.eval()
with torch.no_grad():
    preds = model(val_ds.X).argmax(-1)
confusion = np.zeros((n_classes, n_classes), dtype=int)
for t, p in zip(val_ds.y.tolist(), preds.tolist()):
    confusion[t, p] += 1
names = [EVENT_TYPES[k] for k in sorted(EVENT_TYPES)]
for name, row in zip(names, confusion):
    print(f"{name:>10s}", row)
