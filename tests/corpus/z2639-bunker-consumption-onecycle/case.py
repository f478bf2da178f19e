# %% [markdown]
# # Bunker consumption per sea leg (t/day) from noon reports
# Notebook export. Noon reports are dumped to CSV by the fleet system; we fit a
# small MLP on speed-over-ground, mean draft, Beaufort, swell height and days
# since last hull cleaning.

# %%
import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

SEED = 3
np.random.seed(SEED)
torch.manual_seed(SEED)
nb_dir = os.path.dirname(os.path.abspath(__file__))
noon_csv = os.path.join(nb_dir, "noon_reports.csv")

# %%
FIELDS = ["vessel", "leg_id", "sog_kn", "draft_m", "beaufort", "swell_m", "hull_days", "fo_tpd"]
fleet = {"MSC ARIA": 1.00, "MAERSK KOLN": 0.93, "CMA LYRA": 1.08, "EVER TAPE": 0.97, "ONE GRUS": 1.04}

rows = []
for vessel, eff in fleet.items():
    for leg in range(110):
        sog = np.random.uniform(11, 21)
        draft = np.random.uniform(9, 15.5)
        bft = np.random.randint(1, 9)
        swell = max(0.2, np.random.normal(0.4 * bft, 0.5))
        hull = np.random.randint(0, 720)
        fo = eff * (0.012 * sog ** 3 * (draft / 12.5) ** 0.66) * (1 + 0.03 * bft + 0.02 * swell) * (1 + hull / 4000)
        fo += np.random.normal(0, 2.0)
        rows.append([vessel, f"{vessel[:3]}-{leg:03d}", f"{sog:.2f}", f"{draft:.2f}", bft,
                     f"{swell:.2f}", hull, f"{fo:.2f}"])

with open(noon_csv, "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(FIELDS)
    w.writerows(rows)
print("wrote", len(rows), "noon reports")

# %%
with open(noon_csv, newline="") as fh:
    rows = list(csv.DictReader(fh))

feat_cols = ["sog_kn", "draft_m", "beaufort", "swell_m", "hull_days"]
X = np.array([[float(r[c]) for c in feat_cols] for r in rows], dtype=np.float32)
y = np.array([float(r["fo_tpd"]) for r in rows], dtype=np.float32)
vessel_of = np.array([r["vessel"] for r in rows])

holdout = vessel_of == "ONE GRUS"
X_tr, y_tr = X[~holdout], y[~holdout]
X_te, y_te = X[holdout], y[holdout]
mu, sd = X_tr.mean(0), X_tr.std(0)
X_tr, X_te = (X_tr - mu) / sd, (X_te - mu) / sd
print("train", X_tr.shape, "holdout", X_te.shape)

# %%
BATCH_SIZE = 32
EPOCHS = 8

train_loader = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr)),
                          batch_size=BATCH_SIZE, shuffle=True)
steps_per_epoch = len(X_tr) // BATCH_SIZE

model = nn.Sequential(
    nn.Linear(len(feat_cols), 64), nn.SiLU(),
    nn.Linear(64, 64), nn.SiLU(),
    nn.Linear(64, 1),
)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer, max_lr=5e-3, total_steps=EPOCHS * steps_per_epoch, pct_start=0.25
)
loss_fn = nn.MSELoss()

# %%
history = []
for epoch in range(EPOCHS):
    model.train()
    epoch_loss = 0.0
    for xb, yb in train_loader:
        pred = model(xb).squeeze(-1)
        loss = loss_fn(pred, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        epoch_loss += loss.item() * len(xb)
    history.append(epoch_loss / len(X_tr))
    print(f"epoch {epoch}  mse {history[-1]:.3f}  lr {scheduler.get_last_lr()[0]:.5f}")

# %%
model.eval()
with torch.no_grad():
    pred = model(torch.from_numpy(X_te)).squeeze(-1).numpy()
mae = np.abs(pred - y_te).mean()
mape = (np.abs(pred - y_te) / y_te).mean() * 100
print(f"ONE GRUS holdout: MAE {mae:.2f} t/day, MAPE {mape:.1f}%")
