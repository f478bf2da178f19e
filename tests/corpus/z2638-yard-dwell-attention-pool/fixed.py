# %% [markdown]
# # Container dwell-time bucket from yard move history
# Notebook export (terminal ops analytics). Each box has a variable-length
# list of yard moves (discharge, shift, restow, inspect, gate-out...) with the
# yard block, tier and hours since discharge. Target: dwell bucket
# (0: < 3 days, 1: 3-7 days, 2: > 7 days).

# %%
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

np.random.seed(11)
torch.manual_seed(11)

MOVE_TYPES = ["discharge", "shift", "restow", "inspect", "reefer_plug", "customs_hold", "gate_out"]
N_BLOCKS = 24
MAX_TIER = 6

# %%
def simulate_box(rng):
    n = rng.integers(2, 15)
    moves = [0] + list(rng.integers(1, len(MOVE_TYPES) - 1, size=n - 1))
    blocks = rng.integers(0, N_BLOCKS, size=n)
    tiers = rng.integers(1, MAX_TIER + 1, size=n)
    hours = np.sort(rng.exponential(30.0, size=n)).cumsum() / 4.0
    holds = sum(m == MOVE_TYPES.index("customs_hold") for m in moves)
    dwell_days = hours[-1] / 24.0 + 1.5 * holds + rng.normal(0, 0.5)
    bucket = 0 if dwell_days < 3 else (1 if dwell_days < 7 else 2)
    return {"move": np.array(moves), "block": blocks, "tier": tiers, "hours": hours, "y": bucket}

rng = np.random.default_rng(11)
boxes = [simulate_box(rng) for _ in range(600)]
print("bucket counts:", np.bincount([b["y"] for b in boxes]))

# %%
class YardMoves(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        r = self.rows[i]
        num = np.stack([r["tier"] / MAX_TIER, np.log1p(r["hours"])], axis=-1).astype(np.float32)
        return r["move"], r["block"], num, r["y"]

def pad_yard_batch(items):
    L = max(len(m) for m, _, _, _ in items)
    B = len(items)
    move = np.zeros((B, L), dtype=np.int64)
    block = np.zeros((B, L), dtype=np.int64)
    num = np.zeros((B, L, 2), dtype=np.float32)
    pad_mask = np.ones((B, L), dtype=bool)
    for i, (m, b, x, _) in enumerate(items):
        n = len(m)
        move[i, :n], block[i, :n], num[i, :n] = m, b, x
        pad_mask[i, :n] = 0
    return {
        "move": torch.from_numpy(move),
        "block": torch.from_numpy(block),
        "num": torch.from_numpy(num),
        "pad_mask": torch.from_numpy(pad_mask),
        "y": torch.tensor([it[3] for it in items]),
    }

cut = 480
train_dl = DataLoader(YardMoves(boxes[:cut]), batch_size=32, shuffle=True, collate_fn=pad_yard_batch)
test_dl = DataLoader(YardMoves(boxes[cut:]), batch_size=64, collate_fn=pad_yard_batch)

# %%
class MoveEncoder(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.move_emb = nn.Embedding(len(MOVE_TYPES), d)
        self.block_emb = nn.Embedding(N_BLOCKS, d)
        self.num_proj = nn.Linear(2, d)

    def forward(self, batch):
        return self.move_emb(batch["move"]) + self.block_emb(batch["block"]) + self.num_proj(batch["num"])

class MeanPoolBaseline(nn.Module):
    def __init__(self, d=32, n_cls=3):
        super().__init__()
        self.enc = MoveEncoder(d)
        self.out = nn.Linear(d, n_cls)

    def forward(self, batch):
        h = self.enc(batch)
        keep = (1 - batch["pad_mask"].float()).unsqueeze(-1)
        return self.out((h * keep).sum(1) / keep.sum(1))

def fit(model, epochs, lr=3e-3):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for ep in range(epochs):
        model.train()
        losses = []
        for batch in train_dl:
            loss = F.cross_entropy(model(batch), batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"  epoch {ep}: loss {np.mean(losses):.4f}")
    return model

def accuracy(model):
    model.eval()
    hits = 0
    with torch.no_grad():
        for batch in test_dl:
            hits += (model(batch).argmax(-1) == batch["y"]).sum().item()
    return hits / len(test_dl.dataset)

baseline = fit(MeanPoolBaseline(), epochs=3)
print("baseline acc:", round(accuracy(baseline), 3))

# %% [markdown]
# Attention pooling: let the model weigh customs holds / restows more than routine shifts.

# %%
class AttnPoolDwell(nn.Module):
    def __init__(self, d=32, n_cls=3):
        super().__init__()
        self.enc = MoveEncoder(d)
        self.query = nn.Parameter(torch.randn(d) / math.sqrt(d))
        self.out = nn.Sequential(nn.Linear(d, d), nn.ReLU(), nn.Linear(d, n_cls))

    def forward(self, batch):
        h = torch.tanh(self.enc(batch))
        scores = h @ self.query
        scores = scores.masked_fill(batch["pad_mask"], float("-inf"))
        w = scores.softmax(dim=-1).unsqueeze(-1)
        return self.out((w * h).sum(1))

attn_model = fit(AttnPoolDwell(), epochs=3)
print("attention-pool acc:", round(accuracy(attn_model), 3))
