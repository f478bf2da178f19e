# GPS load monitoring: forecast next-minute high-speed running (HSR) per player
# %%
import csv
import itertools
import os
import random

import numpy as np
import torch
import torch.nn as nn

CFG = {
    "seed": 5,
    "squad": ["GK1", "CB4", "CB5", "LB3", "RB2", "CM6", "CM8", "AM10", "LW11", "RW7", "ST9"],
    "minutes": 95,
    "hz": 10,
    "hsr_kmh": 19.8,
    "history": 8,
    "hidden": 24,
    "epochs": 6,
    "lr": 2e-3,
    "batch": 32,
}
random.seed(CFG["seed"]); np.random.seed(CFG["seed"]); torch.manual_seed(CFG["seed"])
BASE = os.path.dirname(os.path.abspath(__file__))
GPS_CSV = os.path.join(BASE, "gps_minutes.csv")
CKPT = os.path.join(BASE, "hsr_best.pt")

# %%
rng = np.random.default_rng(CFG["seed"])
with open(GPS_CSV, "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["player", "minute", "dist_m", "hsr_m", "accels", "peak_kmh"])
    for player in CFG["squad"]:
        work_rate = 0.4 if player.startswith("GK") else rng.uniform(0.8, 1.3)
        fatigue = np.linspace(1.0, 0.82, CFG["minutes"])
        for m in range(CFG["minutes"]):
            speeds = np.abs(rng.normal(7.0 * work_rate * fatigue[m], 5.5, 60 * CFG["hz"]))
            dist = speeds.sum() / 3.6 / CFG["hz"]
            hsr = speeds[speeds > CFG["hsr_kmh"]].sum() / 3.6 / CFG["hz"]
            acc = int((np.diff(speeds) > 3.0).sum())
            w.writerow([player, m, f"{dist:.1f}", f"{hsr:.1f}", acc, f"{speeds.max():.1f}"])

# %%
with open(GPS_CSV, newline="") as fh:
    rows = list(csv.DictReader(fh))
feat_cols = ["dist_m", "hsr_m", "accels", "peak_kmh"]
per_player = {
    p: np.array([[float(r[c]) for c in feat_cols] for r in grp], dtype=np.float32)
    for p, grp in itertools.groupby(rows, key=lambda r: r["player"])
}
stacked = np.concatenate(list(per_player.values()))
mu, sd = stacked.mean(0), stacked.std(0) + 1e-6
print({p: round(float(a[:, 1].sum()), 1) for p, a in per_player.items()})


def windows(arr, h):
    z = (arr - mu) / sd
    for t in range(h, len(arr)):
        yield z[t - h : t], z[t, 1]


X, Y, who = [], [], []
for p, arr in per_player.items():
    for x, y in windows(arr, CFG["history"]):
        X.append(x); Y.append(y); who.append(p)
X, Y = torch.tensor(np.stack(X)), torch.tensor(np.array(Y))
is_val = torch.tensor([p in ("CM8", "RW7") for p in who])
print("windows:", X.shape, "val:", int(is_val.sum()))


def make_batcher(xs, ys, bs, shuffle=True):
    def batches():
        idx = torch.randperm(len(xs)) if shuffle else torch.arange(len(xs))
        for chunk in idx.split(bs):
            yield xs[chunk], ys[chunk]
    return batches


train_batches = make_batcher(X[~is_val], Y[~is_val], CFG["batch"])
val_batches = make_batcher(X[is_val], Y[is_val], CFG["batch"], shuffle=False)

# %%
class HSRForecaster(nn.Module):
    def __init__(self, n_feat, hidden):
        super().__init__()
        self.gru = nn.GRU(n_feat, hidden, batch_first=True)
        self.out = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, x):
        _, h = self.gru(x)
        return self.out(h[-1]).squeeze(-1)


net = HSRForecaster(len(feat_cols), CFG["hidden"])
optimizer = torch.optim.Adam(net.parameters(), lr=CFG["lr"])
mse = nn.MSELoss()

evaluate = lambda: float(np.mean([mse(net(xb), yb).item() for xb, yb in val_batches()]))

# %%
best = float("inf")
for epoch in range(CFG["epochs"]):
    net.train()
    for xb, yb in train_batches():
        optimizer.zero_grad()
        loss = mse(net(xb), yb)
        loss.backward()
        optimizer.step()
    net.eval()
    with torch.no_grad():
        val_loss = evaluate()
    if val_loss < best:
        best = val_loss
        torch.save({"epoch": epoch, "val_mse": val_loss, "state": net.state_dict()}, CKPT)
    print(f"epoch {epoch}: val mse {val_loss:.4f} (best {best:.4f})")

# %%
final = HSRForecaster(len(feat_cols), CFG["hidden"])
final.load_state_dict(torch.load(CKPT)["state"])
final.eval()
with torch.no_grad():
    last = {p: torch.tensor((a[-CFG["history"]:] - mu) / sd)[None] for p, a in per_player.items()}
    forecast = {p: final(x).item() * sd[1] + mu[1] for p, x in last.items()}
for p, v in sorted(forecast.items(), key=lambda kv: -kv[1]):
    print(f"{p:5s} next-minute HSR ~ {v:6.1f} m")
