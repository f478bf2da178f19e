# %% [markdown]
# # Vessel turnaround at container terminals
# Regress hours alongside (first line ashore -> last line off) from terminal,
# carrier alliance and call size. Data: TOS export of port calls.

# %%
import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(11)
rng = np.random.default_rng(11)

DATA_DIR = Path(__file__).resolve().parent
CALLS_CSV = DATA_DIR / "tos_port_calls.csv"

TERMINALS = ["ECT-DELTA", "RWG", "APMT-MV2", "EUROMAX", "ECT-CITY", "UWT"]
CARRIERS = ["MSC", "MAERSK", "CMA", "COSCO", "HAPAG", "ONE", "EVERGREEN", "HMM", "ZIM"]

# %%
with open(CALLS_CSV, "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["call_ref", "terminal", "carrier", "teu_moves", "draft_m", "cranes", "hours_alongside"])
    for i in range(600):
        term = rng.choice(TERMINALS)
        carr = rng.choice(CARRIERS)
        moves = int(rng.integers(300, 6500))
        draft = round(float(rng.uniform(9.5, 16.0)), 1)
        cranes = int(rng.integers(2, 9))
        base = moves / (cranes * 28.0)
        hours = base + TERMINALS.index(term) * 0.8 + rng.normal(0, 1.5) + 3.0
        w.writerow([f"RTM{i:05d}", term, carr, moves, draft, cranes, round(max(hours, 2.0), 2)])

# %%
@dataclass
class PortCall:
    call_ref: str
    terminal: str
    carrier: str
    teu_moves: int
    draft_m: float
    cranes: int
    hours_alongside: float

with open(CALLS_CSV, newline="") as fh:
    calls = [
        PortCall(r["call_ref"], r["terminal"], r["carrier"], int(r["teu_moves"]),
                 float(r["draft_m"]), int(r["cranes"]), float(r["hours_alongside"]))
        for r in csv.DictReader(fh)
    ]

term2idx = {t: i for i, t in enumerate(sorted({c.terminal for c in calls}))}
carr2idx = {c: i for i, c in enumerate(sorted({c.carrier for c in calls}))}
print(len(calls), "calls |", len(term2idx), "terminals |", len(carr2idx), "carriers")

# %%
class TurnaroundDataset(Dataset):
    def __init__(self, recs):
        num = np.asarray([[c.teu_moves / 1000.0, c.draft_m / 10.0, c.cranes / 4.0] for c in recs], dtype=np.float32)
        self.num = num
        self.cats = np.asarray([[term2idx[c.terminal], carr2idx[c.carrier]] for c in recs], dtype=np.int64)
        self.y = np.asarray([c.hours_alongside for c in recs], dtype=np.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"cats": torch.from_numpy(self.cats[i]),
                "num": torch.from_numpy(self.num[i]),
                "y": torch.tensor(self.y[i])}

split = int(0.8 * len(calls))
train_ds = TurnaroundDataset(calls[:split])
test_ds = TurnaroundDataset(calls[split:])
train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
test_dl = DataLoader(test_ds, batch_size=64)

# %%
class TurnaroundNet(nn.Module):
    def __init__(self, n_term, n_carr, n_num=3, d_emb=6):
        super().__init__()
        self.term_emb = nn.Embedding(n_term, d_emb)
        self.carr_emb = nn.Embedding(n_carr, d_emb)
        self.mlp = nn.Sequential(
            nn.Linear(2 * d_emb + n_num, 48), nn.ReLU(),
            nn.Linear(48, 24), nn.ReLU(),
            nn.Linear(24, 1),
        )

    def forward(self, batch):
        t = self.term_emb(batch["cats"][:, 0])
        c = self.carr_emb(batch["cats"][:, 1])
        z = torch.cat([t, c, batch["num"]], dim=-1)
        return self.mlp(z).squeeze(-1)

net = TurnaroundNet(len(term2idx), len(carr2idx))
opt = torch.optim.AdamW(net.parameters(), lr=5e-3, weight_decay=1e-4)
crit = nn.MSELoss()

# %%
for epoch in range(6):
    net.train()
    running = []
    for batch in train_dl:
        opt.zero_grad()
        loss = crit(net(batch), batch["y"])
        loss.backward()
        opt.step()
        running.append(loss.item())
    print(f"epoch {epoch}: train mse {np.mean(running):.2f}")

# %%
net.eval()
errs = []
with torch.no_grad():
    for batch in test_dl:
        errs.append((net(batch) - batch["y"]).abs())
mae = torch.cat(errs).mean().item()
print(f"test MAE: {mae:.2f} h alongside")
