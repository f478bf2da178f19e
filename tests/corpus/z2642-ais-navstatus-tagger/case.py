# %% [markdown]
# # AIS ping-level navigational status tagging
# AIS nav-status field is unreliable (crews forget to switch it), so we tag every ping
# from kinematics: 0 underway, 1 at anchor, 2 moored, 3 drifting.
# v2: added a GRU on top of the temporal conv stack.

# %%
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

STATUS = ["underway", "anchored", "moored", "drifting"]
N_STATUS = len(STATUS)
PINGS_PER_TRACK = 48          # 24 h at 30 min resolution
FEATS = ["sog_kn", "cog_sin", "cog_cos", "dist_berth_nm", "d_heading", "rot"]

# %%
@dataclass
class Track:
    mmsi: int
    x: np.ndarray        # (L, F)
    status: np.ndarray   # (L,)

def simulate_track(mmsi):
    phases = []
    remaining = PINGS_PER_TRACK
    while remaining > 0:
        s = rng.choice(N_STATUS, p=[0.45, 0.25, 0.2, 0.1])
        length = int(min(remaining, rng.integers(4, 16)))
        phases += [s] * length
        remaining -= length
    status = np.array(phases, dtype=np.int64)
    sog = np.where(status == 0, rng.normal(12, 2.5, PINGS_PER_TRACK),
          np.where(status == 3, rng.normal(1.2, 0.4, PINGS_PER_TRACK), rng.normal(0.1, 0.08, PINGS_PER_TRACK)))
    cog = np.cumsum(rng.normal(0, np.where(status == 0, 3, 40), PINGS_PER_TRACK)) % 360
    dist = np.where(status == 2, rng.uniform(0, 0.05, PINGS_PER_TRACK), rng.uniform(0.5, 30, PINGS_PER_TRACK))
    dhead = np.r_[0, np.diff(cog)]
    rot = dhead / 30.0
    x = np.stack([sog, np.sin(np.radians(cog)), np.cos(np.radians(cog)), dist, dhead / 180, rot], axis=1)
    return Track(mmsi=mmsi, x=x.astype(np.float32), status=status)

tracks = [simulate_track(211000000 + i) for i in range(320)]
print(len(tracks), tracks[0].x.shape, np.bincount(np.concatenate([t.status for t in tracks]), minlength=N_STATUS))

# %%
all_x = np.concatenate([t.x for t in tracks[:256]])
feat_mean, feat_std = all_x.mean(0), all_x.std(0) + 1e-6

class AisDataset(Dataset):
    def __init__(self, tracks):
        self.tracks = tracks

    def __len__(self):
        return len(self.tracks)

    def __getitem__(self, i):
        t = self.tracks[i]
        return {"x": torch.from_numpy((t.x - feat_mean) / feat_std), "status": torch.from_numpy(t.status), "mmsi": t.mmsi}

train_dl = DataLoader(AisDataset(tracks[:256]), batch_size=16, shuffle=True)
val_dl = DataLoader(AisDataset(tracks[256:]), batch_size=64)

# %%
class PingStatusTagger(nn.Module):
    def __init__(self, n_feats, n_classes, width=32):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(n_feats, width, kernel_size=5, padding=2),
            nn.GELU(),
            nn.Conv1d(width, width, kernel_size=5, padding=2),
            nn.GELU(),
        )
        self.gru = nn.GRU(width, width, batch_first=True, bidirectional=True)
        self.status_head = nn.Linear(2 * width, n_classes)

    def forward(self, x):                       # x: (N, L, F)
        h = self.conv(x.transpose(1, 2))        # (N, width, L)
        h, _ = self.gru(h.transpose(1, 2))      # (N, L, 2*width)
        return self.status_head(h)

model = PingStatusTagger(len(FEATS), N_STATUS)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)

# %%
def ping_accuracy(logits, status):
    return (logits.argmax(dim=1) == status).float().mean().item()

for epoch in range(6):
    model.train()
    for batch in train_dl:
        logits = model(batch["x"])
        loss = F.cross_entropy(logits, batch["status"], label_smoothing=0.05)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        batch = next(iter(val_dl))
        logits = model(batch["x"])
        val_loss = F.cross_entropy(logits, batch["status"]).item()
    print(f"epoch {epoch}: train loss {loss.item():.3f}  val loss {val_loss:.3f}  val ping acc {ping_accuracy(logits, batch['status']):.3f}")

# %% per-vessel summary: fraction of time at anchor
with torch.no_grad():
    pred = model(batch["x"]).argmax(dim=1)
for mmsi, p in zip(batch["mmsi"][:5].tolist(), pred[:5]):
    print(mmsi, f"anchored {100 * (p == 1).float().mean():.0f}% of last 24 h")
