# %% [markdown]
# Short-horizon forecasting of the attacking team's shape from 10 Hz tracking clips.
# A GRU reads `window` frames of 11 (x, y) positions and predicts the positions at the next frame.

# %%
import itertools
import math
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import IterableDataset, DataLoader

CFG = {
    "seed": 7,
    "clip_lengths": [180, 200, 236, 164, 212],
    "n_players": 11,
    "window": 24,
    "stride": 8,
    "hidden": 48,
    "batch_size": 32,
    "epochs": 2,
    "lr": 1e-3,
}
torch.manual_seed(CFG["seed"])
gen = np.random.default_rng(CFG["seed"])

# %%
def make_clip(n_frames):
    base = gen.uniform([20, 10], [85, 58], size=(CFG["n_players"], 2))
    phase = gen.uniform(0, 2 * math.pi, size=(CFG["n_players"], 1))
    t = np.arange(n_frames)[:, None, None] / 10.0
    drift = np.stack([np.sin(0.3 * t + phase), np.cos(0.2 * t + phase)], axis=-1)[..., 0, :]
    noise = np.cumsum(gen.normal(0, 0.05, size=(n_frames, CFG["n_players"], 2)), axis=0)
    return torch.tensor(base + 3.0 * drift + noise, dtype=torch.float32)

clips = [make_clip(n) for n in CFG["clip_lengths"]]
print([tuple(c.shape) for c in clips])

# %%
all_frames = torch.cat(clips)
mu = all_frames.mean(dim=(0, 1))
sd = all_frames.std(dim=(0, 1))
normalise = lambda x: (x - mu) / sd
print("pitch mean", mu.tolist(), "std", sd.tolist())

# %%
def windows(clip, W=CFG["window"], step=CFG["stride"]):
    n = clip.shape[0]
    for s in range(0, n - W, step):
        past = clip[s : s + W]
        nxt = clip[s + W]
        yield normalise(past).flatten(1), normalise(nxt).flatten()

class ClipWindows(IterableDataset):
    def __init__(self, clips):
        self.clips = clips

    def __iter__(self):
        return itertools.chain.from_iterable(windows(c) for c in self.clips)

train_clips, valid_clips = clips[:4], clips[4:]
train_dl = DataLoader(ClipWindows(train_clips), batch_size=CFG["batch_size"])
valid_dl = DataLoader(ClipWindows(valid_clips), batch_size=CFG["batch_size"])

# %%
class ShapeGRU(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.gru = nn.GRU(n_in, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_in)

    def forward(self, x):
        _, h = self.gru(x)
        return x[:, -1] + self.head(h[-1])

n_in = CFG["n_players"] * 2
model = ShapeGRU(n_in, CFG["hidden"])
optimizer = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
mse = nn.MSELoss()

# %%
def run_epoch(dl, train):
    model.train(train)
    total, count = 0.0, 0
    for past, nxt in dl:
        with torch.set_grad_enabled(train):
            loss = mse(model(past), nxt)
        if train:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        total += loss.item() * len(past)
        count += len(past)
    return total / max(count, 1)

for ep in range(CFG["epochs"]):
    tr = run_epoch(train_dl, True)
    va = run_epoch(valid_dl, False)
    print(f"epoch {ep}: train mse {tr:.4f}  valid mse {va:.4f}")

# %%
with torch.no_grad():
    past, nxt = next(iter(valid_dl))
    err_m = ((model(past) - nxt).view(len(past), -1, 2) * sd).norm(dim=-1).mean()
print("mean position error (m):", round(err_m.item(), 3))
