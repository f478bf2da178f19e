"""Behavioural-state tagging of GPS collar tracks (elephant collars, 30-min fixes).

Tracks are cut into bursts wherever the collar missed fixes for more than
MAX_GAP_H hours, and every fix in a burst is labelled resting / foraging /
travelling from step length and turning angle features by a small transformer.
"""
import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

CFG = {
    "fix_interval_min": 30,
    "max_gap_h": 3.0,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "n_states": 3,
    "batch_size": 8,
    "lr": 1e-3,
    "seed": 3,
}
FIXES_PER_DAY = 24 * 60 // CFG["fix_interval_min"]
CFG["max_len"] = 2 * FIXES_PER_DAY


def simulate_collar(animal_id, n_fixes, rng):
    t = np.arange(n_fixes) * CFG["fix_interval_min"] / 60.0
    keep = rng.random(n_fixes) > 0.03
    outage_start = rng.integers(20, n_fixes - 20, size=3)
    for s in outage_start:
        keep[s:s + rng.integers(4, 12)] = False
    state = np.zeros(n_fixes, dtype=np.int64)
    for i in range(1, n_fixes):
        state[i] = state[i - 1] if rng.random() < 0.9 else rng.integers(0, 3)
    step_scale = np.array([5.0, 80.0, 600.0])[state]
    steps = rng.gamma(2.0, step_scale / 2.0)
    heading = np.cumsum(rng.vonmises(0.0, np.array([0.5, 1.5, 8.0])[state]))
    x = np.cumsum(steps * np.cos(heading))
    y = np.cumsum(steps * np.sin(heading))
    return {"id": animal_id, "t": t[keep], "x": x[keep], "y": y[keep], "state": state[keep]}


def split_bursts(track, max_gap_h, max_fixes):
    gaps = np.diff(track["t"])
    cut = np.where(gaps > max_gap_h)[0] + 1
    bounds = [0, *cut.tolist(), len(track["t"])]
    bursts = []
    for a0, b0 in zip(bounds[:-1], bounds[1:]):
        for a in range(a0, b0, max_fixes):
            b = min(a + max_fixes, b0)
            if b - a >= 8:
                bursts.append({k: (v[a:b] if isinstance(v, np.ndarray) else v) for k, v in track.items()})
    return bursts


def movement_features(burst):
    dx, dy = np.diff(burst["x"]), np.diff(burst["y"])
    dt = np.diff(burst["t"])
    step = np.hypot(dx, dy) / np.maximum(dt, 1e-3)
    bearing = np.arctan2(dy, dx)
    turn = np.diff(bearing, prepend=bearing[0])
    turn = (turn + math.pi) % (2 * math.pi) - math.pi
    hour = burst["t"][1:] % 24.0
    feats = np.stack([np.log1p(step), np.cos(turn), np.sin(turn),
                      np.sin(2 * math.pi * hour / 24), np.cos(2 * math.pi * hour / 24)], axis=1)
    return feats.astype(np.float32), burst["state"][1:]


class BurstDataset(Dataset):
    def __init__(self, bursts):
        self.items = [movement_features(b) for b in bursts]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        feats, states = self.items[i]
        return torch.from_numpy(feats), torch.from_numpy(states)


def pad_collate(batch):
    feats, states = zip(*batch)
    lengths = torch.tensor([f.shape[0] for f in feats])
    T = int(lengths.max())
    x = torch.zeros(len(batch), T, feats[0].shape[1])
    y = torch.full((len(batch), T), -100, dtype=torch.long)
    for i, (f, s) in enumerate(zip(feats, states)):
        x[i, : len(f)] = f
        y[i, : len(s)] = s
    pad_mask = torch.arange(T)[None, :] >= lengths[:, None]
    return x, y, pad_mask


class TrackTagger(nn.Module):
    def __init__(self, n_feats, cfg):
        super().__init__()
        self.inp = nn.Linear(n_feats, cfg["d_model"])
        self.pos_emb = nn.Embedding(cfg["max_len"], cfg["d_model"])
        layer = nn.TransformerEncoderLayer(cfg["d_model"], cfg["n_heads"], 4 * cfg["d_model"],
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.out = nn.Linear(cfg["d_model"], cfg["n_states"])

    def forward(self, x, pad_mask):
        pos = torch.arange(x.shape[1], device=x.device)
        h = self.inp(x) + self.pos_emb(pos)[None]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return self.out(h)


def main():
    rng = np.random.default_rng(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    bursts = []
    for k in range(12):
        track = simulate_collar(f"LXA{k:02d}", n_fixes=int(rng.integers(200, 400)), rng=rng)
        bursts.extend(split_bursts(track, CFG["max_gap_h"], CFG["max_len"]))
    print(f"{len(bursts)} bursts, fixes per burst {min(len(b['t']) for b in bursts)}"
          f"-{max(len(b['t']) for b in bursts)}")

    ds = BurstDataset(bursts)
    dl = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=pad_collate)
    model = TrackTagger(n_feats=5, cfg=CFG)
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    crit = nn.CrossEntropyLoss(ignore_index=-100)

    for epoch in range(2):
        model.train()
        tot, n = 0.0, 0
        for x, y, pad_mask in dl:
            logits = model(x, pad_mask)
            loss = crit(logits.reshape(-1, CFG["n_states"]), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
            n += 1
        print(f"epoch {epoch} mean loss {tot / n:.4f}")


if __name__ == "__main__":
    main()
