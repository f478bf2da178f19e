# %% [markdown]
# Next-step displacement model from optical tracking samples.
# Each row: frame, player_id, team, x, y, vx, vy  ->  predict dx, dy over the next 0.4 s.

# %%
import csv
import os
import itertools
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

CFG = dict(
    seed=3,
    n_frames=150,
    n_players=22,
    pitch=(105.0, 68.0),
    emb_dim=8,
    hidden=64,
    batch_size=128,
    epochs=3,
    lr=2e-3,
)
rng = np.random.default_rng(CFG["seed"])
torch.manual_seed(CFG["seed"])
WORKDIR = os.path.dirname(os.path.abspath(__file__))
TRACK_CSV = os.path.join(WORKDIR, "tracking_sample.csv")

# %%
def simulate_tracking(path):
    L, W = CFG["pitch"]
    pos = rng.uniform([0, 0], [L, W], size=(CFG["n_players"], 2))
    vel = rng.normal(0, 1.5, size=(CFG["n_players"], 2))
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["frame", "player_id", "team", "x", "y", "vx", "vy"])
        for f in range(CFG["n_frames"]):
            vel = 0.9 * vel + rng.normal(0, 0.4, size=vel.shape)
            pos = np.clip(pos + 0.1 * vel, [0, 0], [L, W])
            for pid in range(CFG["n_players"]):
                team = 0 if pid < CFG["n_players"] // 2 else 1
                w.writerow([f, pid, team, *np.round(pos[pid], 2), *np.round(vel[pid], 3)])

simulate_tracking(TRACK_CSV)

# %%
with open(TRACK_CSV, newline="") as fh:
    reader = csv.reader(fh)
    header = next(reader)
    table = np.array([row for row in reader], dtype=np.float32)
col = {name: i for i, name in enumerate(header)}
print("rows", table.shape, "cols", header)

# %%
by_player = {
    pid: np.stack([r for r in grp])
    for pid, grp in itertools.groupby(
        sorted(table, key=lambda r: (r[col["player_id"]], r[col["frame"]])),
        key=lambda r: int(r[col["player_id"]]),
    )
}
HORIZON = 4

@dataclass
class Sample:
    player: np.ndarray
    feats: np.ndarray
    target: np.ndarray

def build_samples(tracks):
    L, W = CFG["pitch"]
    scale = np.array([L, W, 1.0, 1.0, 1.0], dtype=np.float32)
    out = []
    for pid, arr in tracks.items():
        xy = arr[:, [col["x"], col["y"]]]
        feats = arr[:, [col["x"], col["y"], col["vx"], col["vy"], col["team"]]] / scale
        disp = xy[HORIZON:] - xy[:-HORIZON]
        out.append(Sample(arr[:-HORIZON, col["player_id"]].astype(np.int64), feats[:-HORIZON], disp))
    return out

samples = build_samples(by_player)
print("players", len(samples), "samples/player", len(samples[0].target))

# %%
class TrackingSet(Dataset):
    def __init__(self, samples):
        self.player = torch.from_numpy(np.concatenate([s.player for s in samples]))
        self.feats = torch.from_numpy(np.concatenate([s.feats for s in samples]))
        self.target = torch.from_numpy(np.concatenate([s.target for s in samples]))

    def __len__(self):
        return len(self.target)

    def __getitem__(self, i):
        return self.player[i], self.feats[i], self.target[i]

ds = TrackingSet(samples)
n_train = int(0.85 * len(ds))
train_ds, valid_ds = torch.utils.data.random_split(
    ds, [n_train, len(ds) - n_train], generator=torch.Generator().manual_seed(CFG["seed"])
)
train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)
valid_dl = DataLoader(valid_ds, batch_size=CFG["batch_size"])

# %%
class DisplacementNet(nn.Module):
    def __init__(self, n_players, n_feats, emb_dim, hidden):
        super().__init__()
        self.player_emb = nn.Embedding(n_players, emb_dim)
        self.mlp = nn.Sequential(
            nn.Linear(emb_dim + n_feats, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 2),
        )

    def forward(self, player, feats):
        return self.mlp(torch.cat([self.player_emb(player), feats], dim=-1))

net = DisplacementNet(CFG["n_players"], 5, CFG["emb_dim"], CFG["hidden"])
opt = torch.optim.Adam(net.parameters(), lr=CFG["lr"])
loss_fn = nn.SmoothL1Loss()

# %%
for epoch in range(CFG["epochs"]):
    net.train()
    losses = []
    for player, feats, target in train_dl:
        pred = net(player, feats)
        loss = loss_fn(pred, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    net.eval()
    with torch.no_grad():
        err = [torch.linalg.norm(net(p, f) - t, dim=-1).mean().item() for p, f, t in valid_dl]
    print(f"epoch {epoch}: train {np.mean(losses):.4f}  valid ADE {np.mean(err):.3f} m")
