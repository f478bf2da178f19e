# %% [markdown]
# # Daily quay throughput forecast (TEU moved per day), 7-day horizon
# Inputs: last 28 days of TEU moves, vessel calls, yard utilisation, gate transactions.
# Exported from `throughput_forecast.ipynb`.

# %%
import csv
import math
import os
from datetime import date, timedelta

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

np.random.seed(11)
torch.manual_seed(11)

HERE = os.path.dirname(os.path.abspath(__file__))
DAILY_CSV = os.path.join(HERE, "terminal_daily_kpis.csv")
LOOKBACK, HORIZON = 28, 7
BATCH = 32
EPOCHS = 10
LR = 3e-3

# %% synthetic terminal KPI export
days = [date(2021, 1, 1) + timedelta(days=i) for i in range(3 * 365)]
t = np.arange(len(days))
weekly = 1 + 0.18 * np.sin(2 * np.pi * t / 7)
season = 1 + 0.10 * np.sin(2 * np.pi * t / 365.25 - 1.2)
trend = 1 + 0.00012 * t
calls = np.random.poisson(9 * weekly)
teu = (calls * 1150 * season * trend + np.random.normal(0, 900, len(t))).clip(0)
yard_util = (0.55 + 0.25 * (teu / teu.max()) + np.random.normal(0, 0.03, len(t))).clip(0, 1)
gate_tx = (teu * 0.42 + np.random.normal(0, 300, len(t))).clip(0)

with open(DAILY_CSV, "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["day", "teu_moves", "vessel_calls", "yard_util", "gate_transactions"])
    for row in zip(days, teu.round(), calls, yard_util.round(3), gate_tx.round()):
        w.writerow(row)

# %%
with open(DAILY_CSV, newline="") as fh:
    rdr = csv.DictReader(fh)
    cols = ["teu_moves", "vessel_calls", "yard_util", "gate_transactions"]
    series = np.array([[float(r[c]) for c in cols] for r in rdr], dtype=np.float32)
print(series.shape, series[:3])

split = int(len(series) * 0.8)
scale = series[:split].max(axis=0)
series = series / scale

# %%
def make_windows(arr, lookback, horizon):
    def gen():
        for start in range(len(arr) - lookback - horizon + 1):
            yield arr[start:start + lookback], arr[start + lookback:start + lookback + horizon, 0]
    return list(gen())

class WindowDS(Dataset):
    def __init__(self, windows):
        self.windows = windows

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, i):
        x, y = self.windows[i]
        return torch.from_numpy(x), torch.from_numpy(y)

train_windows = make_windows(series[:split], LOOKBACK, HORIZON)
val_windows = make_windows(series[split - LOOKBACK:], LOOKBACK, HORIZON)
train_loader = DataLoader(WindowDS(train_windows), batch_size=BATCH, shuffle=True)
val_loader = DataLoader(WindowDS(val_windows), batch_size=128)
print(len(train_windows), "train windows,", len(val_windows), "val windows")

# %%
class ThroughputLSTM(nn.Module):
    def __init__(self, n_in, hidden=48, horizon=HORIZON):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, num_layers=2, batch_first=True, dropout=0.1)
        self.out = nn.Linear(hidden, horizon)

    def forward(self, x):
        h, _ = self.lstm(x)
        return self.out(h[:, -1])

model = ThroughputLSTM(series.shape[1])
opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=1e-4)
# sched = torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)
crit = nn.MSELoss()

# %%
history = []
best_mae, best_state = float("inf"), None
for epoch in range(EPOCHS):
    model.train()
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = crit(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    model.eval()
    with torch.no_grad():
        errs = [((model(xb) - yb) * scale[0]).abs() for xb, yb in val_loader]
    mae = torch.cat(errs).mean().item()
    history.append(mae)
    sched.step()
    if mae < best_mae:
        best_mae, best_state = mae, {k: v.clone() for k, v in model.state_dict().items()}
    print(f"epoch {epoch:2d}  lr {sched.get_last_lr()[0]:.2e}  val MAE {mae:,.0f} TEU/day")

# %%
model.load_state_dict(best_state)
model.eval()
print(f"best val MAE {best_mae:,.0f} TEU/day after {len(history)} epochs")
with torch.no_grad():
    x_last = torch.from_numpy(series[-LOOKBACK:]).unsqueeze(0)
    fc = (model(x_last)[0] * scale[0]).numpy()
for d, v in zip([days[-1] + timedelta(days=i + 1) for i in range(HORIZON)], fc):
    print(d.isoformat(), f"{v:,.0f} TEU")
