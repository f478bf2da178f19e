import math
import random

import numpy as np
import torch
import torch.nn as nn

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

# hourly building energy log: (outdoor_temp, humidity, occupancy, hour, kwh)
raw_rows = []
for h in range(160):
    temp = 12 + 8 * math.sin(h / 24 * 2 * math.pi) + random.gauss(0, 1.5)
    hum = random.uniform(30, 90)
    occ = random.randint(0, 120) if 7 <= h % 24 <= 19 else random.randint(0, 10)
    kwh = 40 + 1.8 * abs(temp - 20) + 0.25 * occ + random.gauss(0, 3)
    if random.random() < 0.12:
        hum = None  # sensor dropout
    if random.random() < 0.05:
        kwh = float("nan")
    raw_rows.append((temp, hum, occ, h % 24, kwh))

table = np.array(raw_rows, dtype=np.float64)
complete = ~np.isnan(table).any(axis=1)
table = table[complete]

hour = table[:, 3]
feats = np.column_stack([
    table[:, 0], table[:, 1], table[:, 2],
    np.sin(2 * np.pi * hour / 24), np.cos(2 * np.pi * hour / 24),
])
target = table[:, 4:5]

feats = (feats - feats.mean(0)) / feats.std(0)
t_mean, t_std = target.mean(), target.std()
target = (target - t_mean) / t_std

X = torch.from_numpy(feats).float()
Y = torch.from_numpy(target).float()

perm = np.random.permutation(len(X))
cut = int(0.8 * len(perm))
tr_idx, te_idx = torch.as_tensor(perm[:cut]), torch.as_tensor(perm[cut:])

X_tr, Y_tr = X[tr_idx], Y[tr_idx]
X_te, Y_te = X[te_idx], Y[te_idx]

regressor = nn.Sequential(nn.Linear(X.shape[1], 32), nn.Tanh(), nn.Linear(32, 1))
opt = torch.optim.Adam(regressor.parameters(), lr=5e-3)

for step in range(300):
    j = torch.randint(0, len(X_tr), (24,))
    loss = nn.functional.mse_loss(regressor(X_tr[j]), Y_tr[j])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 100 == 0:
        print(f"step {step}: mse {loss.item():.4f}")

with torch.no_grad():
    pred = regressor(X_te) * t_std + t_mean
    true = Y_te * t_std + t_mean
print(f"test MAE: {(pred - true).abs().mean().item():.2f} kWh")
