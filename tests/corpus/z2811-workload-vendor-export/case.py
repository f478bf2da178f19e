# %% [markdown]
# Player workload: per-minute distance from the tracking vendor export,
# then a small model that forecasts next-minute distance (fatigue proxy).

# %%
import csv
import itertools
import math
import os
import random
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn

SETTINGS = {
    "seed": 3,
    "hz": 10,
    "minutes": 30,
    "players_per_team": 5,
    "lookback": 5,
    "epochs": 40,
    "lr": 1e-2,
    "sprint_kmh": 25.2,
}
random.seed(SETTINGS["seed"])
np.random.seed(SETTINGS["seed"])
torch.manual_seed(SETTINGS["seed"])

out_dir = os.path.dirname(os.path.abspath(__file__))
export_path = os.path.join(out_dir, "vendor_tracking_export.txt")
roster_path = os.path.join(out_dir, "roster.csv")

# %%
roster = [(f"{team[0].upper()}{n:02d}", team, random.choice(["DEF", "MID", "FWD"]))
          for team, n in itertools.product(["home", "away"], range(1, SETTINGS["players_per_team"] + 1))]
with open(roster_path, "w", newline="") as fh:
    csv.writer(fh).writerows([("player_id", "team", "position")] + roster)

def vendor_export(path):
    hz, n_frames = SETTINGS["hz"], SETTINGS["minutes"] * 60 * SETTINGS["hz"]
    with open(path, "w") as fh:
        fh.write("frame, player_id, team, x, y\n")
        for pid, team, pos in roster:
            x, y = random.uniform(20, 85), random.uniform(10, 58)
            base = {"DEF": 1.6, "MID": 2.1, "FWD": 1.9}[pos]
            for f in range(n_frames):
                minute = f / (60 * hz)
                speed = max(0.0, base * (1 - 0.01 * minute) + random.gauss(0, 1.2))
                if random.random() < 0.004:
                    speed += 6.0
                ang = random.uniform(0, 2 * math.pi)
                x = min(105, max(0, x + speed / hz * math.cos(ang)))
                y = min(68, max(0, y + speed / hz * math.sin(ang)))
                fh.write(f"{f}, {pid}, {team}, {x:.2f}, {y:.2f}\n")

vendor_export(export_path)

# %%
with open(roster_path, newline="") as fh:
    positions = {r["player_id"]: r["position"] for r in csv.DictReader(fh)}

frames = defaultdict(list)
with open(export_path, newline="") as fh:
    for rec in csv.DictReader(fh):
        frames[rec["player_id"]].append((int(rec["frame"]), float(rec["x"]), float(rec["y"])))
print("players in export:", len(frames))

# %%
def per_minute(track, hz=SETTINGS["hz"]):
    track.sort()
    xy = np.array([(x, y) for _, x, y in track])
    step = np.linalg.norm(np.diff(xy, axis=0), axis=1)
    speed_kmh = step * hz * 3.6
    fpm = 60 * hz
    dist = [step[i:i + fpm].sum() for i in range(0, len(step), fpm)]
    sprints = [(speed_kmh[i:i + fpm] > SETTINGS["sprint_kmh"]).sum() / hz for i in range(0, len(step), fpm)]
    return np.array(dist), np.array(sprints)

workload = {pid: per_minute(tr) for pid, tr in frames.items()}
for pid, (d, s) in itertools.islice(workload.items(), 4):
    print(f"{pid} ({positions[pid]}): {d.sum() / 1000:.2f} km, {s.sum():.1f} s sprinting")

# %%
L = SETTINGS["lookback"]
make_xy = lambda d: [(d[i - L:i], d[i]) for i in range(L, len(d))]
pairs = list(itertools.chain.from_iterable(make_xy(d / 100.0) for d, _ in workload.values()))
X = torch.tensor(np.stack([p[0] for p in pairs]), dtype=torch.float32)
Y = torch.tensor([p[1] for p in pairs], dtype=torch.float32).unsqueeze(1)
print("training pairs:", X.shape, Y.shape)

forecaster = nn.Sequential(nn.Linear(L, 16), nn.Tanh(), nn.Linear(16, 1))
optim = torch.optim.Adam(forecaster.parameters(), lr=SETTINGS["lr"])
for ep in range(SETTINGS["epochs"]):
    pred = forecaster(X)
    loss = nn.functional.mse_loss(pred, Y)
    optim.zero_grad()
    loss.backward()
    optim.step()
    if ep % 10 == 0 or ep == SETTINGS["epochs"] - 1:
        print(f"epoch {ep}: mse {loss.item():.4f}")

# %%
with torch.no_grad():
    for pid, (d, _) in itertools.islice(workload.items(), 3):
        nxt = forecaster(torch.tensor(d[-L:] / 100.0, dtype=torch.float32)).item() * 100
        print(f"{pid}: last minute {d[-1]:.0f} m, forecast next {nxt:.0f} m")
