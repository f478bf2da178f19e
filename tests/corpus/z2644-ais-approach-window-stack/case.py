# %% [markdown]
# # Anchorage waiting-time model from AIS approach tracks
# Predict hours spent at anchorage before berthing, from the last hours of AIS
# pings (lat, lon, sog, cog) before a vessel enters the port limits.

# %%
import math
import random
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

PORT_LAT, PORT_LON = 51.95, 4.05   # Maasvlakte approach
LOOKBACK = 24                        # hours of history fed to the model
PINGS_PER_HOUR = 2                   # resampled AIS, one fix every 30 min
BATCH = 16

# %%
def synth_track(n_pings, rng):
    bearing = rng.uniform(0, 2 * math.pi)
    dist0 = rng.uniform(0.6, 1.8)
    sog = rng.uniform(9, 16)
    pts = []
    for k in range(n_pings):
        frac = 1.0 - k / max(n_pings - 1, 1)
        d = dist0 * frac + rng.normal(0, 0.01)
        lat = PORT_LAT + d * math.cos(bearing)
        lon = PORT_LON + d * math.sin(bearing)
        s = max(0.0, sog * (0.4 + 0.6 * frac) + rng.normal(0, 0.5))
        cog = (math.degrees(bearing) + 180 + rng.normal(0, 4)) % 360
        pts.append((lat, lon, s, cog))
    return np.asarray(pts, dtype=np.float32)

rng = np.random.default_rng(SEED)
raw_calls = []
for call_id in range(260):
    n = int(rng.integers(20, 90))
    track = synth_track(n, rng)
    congestion = rng.uniform(0, 1)
    wait_h = 4 + 30 * congestion + 0.15 * float(track[:, 2].mean()) + rng.normal(0, 2)
    raw_calls.append({"call_id": f"NLRTM-{call_id:05d}", "track": track, "wait_h": max(wait_h, 0.0)})

print("port calls:", len(raw_calls))

# %%
WINDOW = LOOKBACK * PINGS_PER_HOUR

calls = [c for c in raw_calls if len(c["track"]) >= LOOKBACK]
print("calls with enough history:", len(calls))

feat = np.concatenate([c["track"] for c in calls], axis=0)
mu, sd = feat.mean(0), feat.std(0) + 1e-6

# %%
class ApproachDataset(Dataset):
    def __init__(self, calls, window):
        self.calls = calls
        self.window = window

    def __len__(self):
        return len(self.calls)

    def __getitem__(self, i):
        c = self.calls[i]
        x = (c["track"][-self.window:] - mu) / sd
        y = np.float32(c["wait_h"])
        return torch.from_numpy(x), torch.tensor(y)

ds = ApproachDataset(calls, WINDOW)
n_val = len(ds) // 5
train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val], generator=torch.Generator().manual_seed(SEED))
train_loader = DataLoader(train_ds, batch_size=BATCH, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=BATCH)

# %%
class WaitGRU(nn.Module):
    def __init__(self, n_feat=4, hidden=32):
        super().__init__()
        self.gru = nn.GRU(n_feat, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):
        _, h = self.gru(x)
        return self.head(h[-1]).squeeze(-1)

model = WaitGRU()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.SmoothL1Loss()

# %%
def run_epoch(loader, train=True):
    model.train(train)
    total, n = 0.0, 0
    for xb, yb in loader:
        with torch.set_grad_enabled(train):
            pred = model(xb)
            loss = loss_fn(pred, yb)
        if train:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total += loss.item() * len(yb)
        n += len(yb)
    return total / n

for epoch in range(4):
    tr = run_epoch(train_loader, True)
    va = run_epoch(val_loader, False)
    print(f"epoch {epoch}  train {tr:.3f}  val {va:.3f}")

# %%
model.eval()
with torch.no_grad():
    xb, yb = next(iter(val_loader))
    pred = model(xb)
for cid_pred, cid_true in zip(pred[:5].tolist(), yb[:5].tolist()):
    print(f"pred wait {cid_pred:6.1f} h   actual {cid_true:6.1f} h")
