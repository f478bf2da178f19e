# %% [markdown]
# Expected-goals (xG) model from a match event log.
# Shot geometry (distance, angle, body part, situation) + a learned context vector for the attacking team.

# %%
import csv
import os
import math
import itertools
import numpy as np
import torch
import torch.nn as nn

CFG = {
    "seed": 21,
    "n_matches": 40,
    "teams": ["ARS", "AVL", "BHA", "BRE", "CHE", "CRY", "EVE", "FUL", "LIV", "MCI", "MUN", "NEW"],
    "team_dim": 4,
    "batch_size": 64,
    "epochs": 4,
    "lr": 5e-3,
}
rs = np.random.RandomState(CFG["seed"])
torch.manual_seed(CFG["seed"])
OUT_DIR = os.path.dirname(os.path.abspath(__file__))
EVENTS_CSV = os.path.join(OUT_DIR, "events.csv")

# %%
GOAL_X, GOAL_Y = 120.0, 40.0
BODY = ["right_foot", "left_foot", "head"]
SITUATION = ["open_play", "set_piece", "counter", "penalty"]

with open(EVENTS_CSV, "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=["match_id", "minute", "team", "type", "x", "y", "body_part", "situation", "outcome"])
    w.writeheader()
    for match_id, minute in itertools.product(range(CFG["n_matches"]), range(0, 90, 3)):
        team = CFG["teams"][rs.randint(len(CFG["teams"]))]
        kind = rs.choice(["pass", "pass", "carry", "duel", "shot"])
        x, y = rs.uniform(60, 118), rs.uniform(5, 75)
        row = dict(match_id=match_id, minute=minute, team=team, type=kind, x=round(x, 1), y=round(y, 1),
                   body_part="", situation="", outcome="")
        if kind == "shot":
            x, y = rs.uniform(88, 118), rs.uniform(18, 62)
            row.update(x=round(x, 1), y=round(y, 1))
            body, sit = rs.choice(BODY, p=[0.55, 0.3, 0.15]), rs.choice(SITUATION, p=[0.7, 0.15, 0.12, 0.03])
            dist = math.hypot(GOAL_X - x, GOAL_Y - y)
            p_goal = 1 / (1 + math.exp(0.18 * dist - 1.2 + (0.8 if body == "head" else 0.0)))
            row.update(body_part=body, situation=sit, outcome="goal" if rs.rand() < p_goal else "miss")
        w.writerow(row)

# %%
with open(EVENTS_CSV, newline="") as fh:
    shots = [r for r in csv.DictReader(fh) if r["type"] == "shot"]
print("shots:", len(shots), "goals:", sum(r["outcome"] == "goal" for r in shots))

dist = lambda r: math.hypot(GOAL_X - float(r["x"]), GOAL_Y - float(r["y"]))
def angle(r):
    x, y = float(r["x"]), float(r["y"])
    a = math.atan2(7.32 * (GOAL_X - x), (GOAL_X - x) ** 2 + (GOAL_Y - y) ** 2 - (7.32 / 2) ** 2)
    return a if a >= 0 else a + math.pi

team_to_idx = {t: i for i, t in enumerate(CFG["teams"])}
geom = np.array([[dist(r), angle(r)] for r in shots], dtype=np.float32)
geom = (geom - geom.mean(0)) / geom.std(0)
onehots = np.array(
    [[r["body_part"] == b for b in BODY] + [r["situation"] == s for s in SITUATION] for r in shots],
    dtype=np.float32,
)
X = torch.from_numpy(np.hstack([geom, onehots]))
team_idx = torch.tensor([team_to_idx[r["team"]] for r in shots])
y = torch.tensor([r["outcome"] == "goal" for r in shots], dtype=torch.float32)
print("X", tuple(X.shape), "base rate", y.mean().item())

# %%
team_table = nn.Embedding(len(CFG["teams"]), CFG["team_dim"])
nn.init.normal_(team_table.weight, std=0.1)
team_ctx = team_table(team_idx)

xg_head = nn.Sequential(nn.Linear(X.shape[1] + CFG["team_dim"], 16), nn.Tanh(), nn.Linear(16, 1))
params = list(xg_head.parameters()) + list(team_table.parameters())
opt = torch.optim.Adam(params, lr=CFG["lr"])
bce = nn.BCEWithLogitsLoss()

# %%
def minibatches(n, bs):
    perm = torch.randperm(n)
    for chunk in perm.split(bs):
        yield chunk

log = []
for epoch in range(CFG["epochs"]):
    for b in minibatches(len(y), CFG["batch_size"]):
        logits = xg_head(torch.cat([X[b], team_ctx[b]], dim=1)).squeeze(1)
        loss = bce(logits, y[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
        log.append(loss.item())
    print(f"epoch {epoch} mean log-loss {np.mean(log[-10:]):.4f}")

# %%
with torch.no_grad():
    xg = torch.sigmoid(xg_head(torch.cat([X, team_table(team_idx)], dim=1)).squeeze(1))
per_team = {t: (xg[team_idx == i].sum().item(), y[team_idx == i].sum().item()) for t, i in team_to_idx.items()}
for t, (exp_g, goals) in sorted(per_team.items(), key=lambda kv: -kv[1][0]):
    print(f"{t}: xG {exp_g:5.2f}  goals {goals:3.0f}")
