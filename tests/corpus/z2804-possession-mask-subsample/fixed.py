# Possession outcome model from optical tracking (25 Hz) -> shot / no shot
# %%
import csv
import itertools
import math
import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

CFG = {
    "seed": 11,
    "n_possessions": 48,
    "n_players": 10,
    "fps": 25,
    "subsample": 2,
    "min_frames": 40,
    "max_frames": 110,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 8,
    "epochs": 2,
    "lr": 3e-4,
}
random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])
HERE = os.path.dirname(os.path.abspath(__file__))
TRACK_CSV = os.path.join(HERE, "tracking_export.csv")

# %%
# fake vendor export: one row per (possession, frame, player)
rng = np.random.default_rng(CFG["seed"])
with open(TRACK_CSV, "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["possession_id", "frame", "player", "x", "y", "shot"])
    for pid in range(CFG["n_possessions"]):
        n_frames = int(rng.integers(CFG["min_frames"], CFG["max_frames"]))
        start = rng.uniform([0, 0], [105, 68], size=(CFG["n_players"], 2))
        drift = rng.normal(0, 0.25, size=(n_frames, CFG["n_players"], 2)).cumsum(0)
        pos = np.clip(start[None] + drift, [0, 0], [105, 68])
        shot = int(pos[-1, :, 0].mean() > 55)
        for f in range(n_frames):
            for p in range(CFG["n_players"]):
                w.writerow([pid, f, p, f"{pos[f, p, 0]:.2f}", f"{pos[f, p, 1]:.2f}", shot])

# %%
with open(TRACK_CSV, newline="") as fh:
    rows = list(csv.DictReader(fh))

by_possession = {
    int(k): list(g) for k, g in itertools.groupby(rows, key=lambda r: r["possession_id"])
}
print("possessions:", len(by_possession), "rows:", len(rows))


def to_frames(prows):
    n_f = max(int(r["frame"]) for r in prows) + 1
    arr = np.zeros((n_f, CFG["n_players"], 2), dtype=np.float32)
    for r in prows:
        arr[int(r["frame"]), int(r["player"])] = (float(r["x"]), float(r["y"]))
    return arr


# %%
class PossessionSet(Dataset):
    def __init__(self, poss):
        self.items = []
        for pid, prows in sorted(poss.items()):
            xy = to_frames(prows)
            vel = np.diff(xy, axis=0, prepend=xy[:1]) * CFG["fps"]
            feats = np.concatenate([xy / [105.0, 68.0], vel / 10.0], axis=-1)
            sub = feats[:: CFG["subsample"]]
            self.items.append({
                "pid": pid,
                "n_frames": sub.shape[0],
                "feats": sub.reshape(-1, CFG["n_players"] * 4),
                "label": float(prows[0]["shot"]),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def pad_collate(batch):
    lens = torch.tensor([b["n_frames"] for b in batch])
    T = max(b["feats"].shape[0] for b in batch)
    x = torch.zeros(len(batch), T, CFG["n_players"] * 4)
    for i, b in enumerate(batch):
        x[i, : b["feats"].shape[0]] = torch.from_numpy(b["feats"])
    key_pad = torch.arange(int(lens.max()))[None, :] >= lens[:, None]
    return {"x": x, "key_pad": key_pad, "y": torch.tensor([b["label"] for b in batch])}


ds = PossessionSet(by_possession)
loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=pad_collate)
print("example feats:", ds[0]["feats"].shape)

# %%
def sinusoid(T, d):
    pos = torch.arange(T)[:, None].float()
    div = torch.exp(torch.arange(0, d, 2).float() * (-math.log(10000.0) / d))
    pe = torch.zeros(T, d)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * div), torch.cos(pos * div)
    return pe


class PossessionEncoder(nn.Module):
    def __init__(self, in_dim, d_model, n_heads, n_layers):
        super().__init__()
        self.inp = nn.Linear(in_dim, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=4 * d_model,
                                           dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, 1)

    def forward(self, x, key_pad):
        h = self.inp(x) + sinusoid(x.shape[1], self.inp.out_features)
        h = self.enc(h, src_key_padding_mask=key_pad)
        keep = (~key_pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.head(pooled).squeeze(-1)


model = PossessionEncoder(CFG["n_players"] * 4, CFG["d_model"], CFG["n_heads"], CFG["n_layers"])
opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
loss_fn = nn.BCEWithLogitsLoss()

# %%
history = []
for epoch in range(CFG["epochs"]):
    model.train()
    running = 0.0
    for step, batch in enumerate(loader):
        logits = model(batch["x"], batch["key_pad"])
        loss = loss_fn(logits, batch["y"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    history.append(running / (step + 1))
    print(f"epoch {epoch} loss {history[-1]:.4f}")

# %%
model.eval()
with torch.no_grad():
    probs = list(itertools.chain.from_iterable(
        torch.sigmoid(model(b["x"], b["key_pad"])).tolist() for b in loader
    ))
print("mean shot prob:", sum(probs) / len(probs))
