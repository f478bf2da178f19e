# %% [markdown]
# Per-frame movement phase tagging from 25 Hz player tracking.
# Each window of frames gets a label per frame: standing / walking / jogging / running / sprinting.

# %%
import csv
import itertools
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

config = {
    "seed": 7,
    "fps": 25,
    "n_players": 10,
    "frames_per_player": 1500,
    "window": 50,
    "stride": 25,
    "hidden": 32,
    "batch": 16,
    "epochs": 2,
    "lr": 2e-3,
}
PHASES = ["standing", "walking", "jogging", "running", "sprinting"]
SPEED_EDGES = [0.3, 2.0, 4.0, 5.5]  # m/s

rng = np.random.default_rng(config["seed"])
torch.manual_seed(config["seed"])
workdir = os.path.dirname(os.path.abspath(__file__))
track_path = os.path.join(workdir, "tracking_half1.csv")

# %%
def simulate_player(pid):
    n, dt = config["frames_per_player"], 1.0 / config["fps"]
    target_speed = np.repeat(rng.choice([0.1, 1.4, 3.2, 4.8, 7.0], size=n // 75 + 1), 75)[:n]
    speed = np.convolve(target_speed, np.ones(12) / 12, mode="same") + rng.normal(0, 0.15, n)
    speed = np.clip(speed, 0, None)
    heading = np.cumsum(rng.normal(0, 0.05, n))
    x = 52.5 + np.cumsum(speed * np.cos(heading) * dt)
    y = 34.0 + np.cumsum(speed * np.sin(heading) * dt)
    return [(pid, f, round(x[f], 3), round(y[f], 3)) for f in range(n)]

with open(track_path, "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["player_id", "frame", "x", "y"])
    for pid in range(config["n_players"]):
        w.writerows(simulate_player(pid))

# %%
with open(track_path, newline="") as fh:
    reader = csv.reader(fh)
    next(reader)
    tracks = {
        int(pid): np.array([[float(r[2]), float(r[3])] for r in rows])
        for pid, rows in itertools.groupby(reader, key=lambda r: r[0])
    }
print({pid: xy.shape for pid, xy in list(tracks.items())[:3]}, "...")

# %%
@dataclass
class Window:
    player_id: int
    start: int
    feats: np.ndarray
    phases: np.ndarray

def kinematics(xy):
    fps = config["fps"]
    vel = np.gradient(xy, axis=0) * fps
    speed = np.linalg.norm(vel, axis=1)
    acc = np.gradient(speed) * fps
    turn = np.abs(np.gradient(np.unwrap(np.arctan2(vel[:, 1], vel[:, 0]))))
    return np.stack([vel[:, 0], vel[:, 1], speed, acc, turn], axis=1), speed

def windows(tracks):
    for pid, xy in tracks.items():
        feats, speed = kinematics(xy)
        phase = np.digitize(speed, SPEED_EDGES)
        for s in range(0, len(xy) - config["window"] + 1, config["stride"]):
            e = s + config["window"]
            yield Window(pid, s, feats[s:e], phase[s:e])

all_windows = list(windows(tracks))
train_w = [w for w in all_windows if w.player_id < 8]
val_w = [w for w in all_windows if w.player_id >= 8]
print("windows:", len(train_w), "train /", len(val_w), "val")

# %%
to_ds = lambda ws: TensorDataset(
    torch.tensor(np.stack([w.feats for w in ws]), dtype=torch.float32),
    torch.tensor(np.stack([w.phases for w in ws]), dtype=torch.long),
)
train_ds, val_ds = to_ds(train_w), to_ds(val_w)
feat_mean = train_ds.tensors[0].mean(dim=(0, 1))
feat_std = train_ds.tensors[0].std(dim=(0, 1)) + 1e-6

train_loader = DataLoader(train_ds, batch_size=config["batch"], shuffle=True)
val_loader = DataLoader(val_ds, batch_size=config["batch"])

# %%
class PhaseTagger(nn.Module):
    def __init__(self, n_feats, hidden, n_phases):
        super().__init__()
        self.gru = nn.GRU(n_feats, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.GELU(), nn.Linear(hidden, n_phases))

    def forward(self, x):
        x = (x - feat_mean) / feat_std
        out, _ = self.gru(x)
        return self.head(out)

tagger = PhaseTagger(train_ds.tensors[0].shape[-1], config["hidden"], len(PHASES))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(tagger.parameters(), lr=config["lr"])

# %%
history = []
for epoch in range(config["epochs"]):
    tagger.train()
    running = 0.0
    for step, (xb, yb) in enumerate(train_loader):
        logits = tagger(xb)
        loss = criterion(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(tagger.parameters(), 1.0)
        optimizer.step()
        running += loss.item()
    history.append(running / (step + 1))

    tagger.eval()
    with torch.no_grad():
        hits = sum((tagger(xb).argmax(-1) == yb).sum().item() for xb, yb in val_loader)
    frames = len(val_ds) * config["window"]
    print(f"epoch {epoch}: loss {history[-1]:.3f}  val frame acc {hits / frames:.2%}")

# %%
xb, yb = val_ds[0:1]
with torch.no_grad():
    pred = tagger(xb).argmax(-1)[0]
seg = [(PHASES[k], len(list(g))) for k, g in itertools.groupby(pred.tolist())]
print("player", val_w[0].player_id, "segments:", seg[:8])
