# %% [markdown]
# # Seismic phase picking with a small conv + GRU tagger
# Every sample of a 3-component seismogram window gets a label:
# 0 = noise, 1 = P arrival, 2 = S arrival.
# Synthetic traces are generated below so the notebook is self-contained.

# %%
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

# %% [markdown]
# ## Config

# %%
@dataclass
class PickerConfig:
    n_channels: int = 3      # Z, N, E
    window: int = 200        # samples per window (2 s at 100 Hz)
    conv_width: int = 16
    gru_hidden: int = 32
    bidirectional: bool = True
    n_phases: int = 3
    lr: float = 2e-3
    epochs: int = 1

cfg = PickerConfig()
print(cfg)

# %% [markdown]
# ## Synthetic data
# Background noise plus two damped wavelets: a P onset and a later, larger S onset.

# %%
def make_trace(p_at, s_at, length):
    t = torch.arange(length, dtype=torch.float32)
    trace = 0.05 * torch.randn(3, length)
    for onset, amp, freq in ((p_at, 0.6, 0.35), (s_at, 1.2, 0.18)):
        env = torch.where(t >= onset, torch.exp(-(t - onset) / 25.0), torch.zeros_like(t))
        trace += amp * env * torch.sin(freq * (t - onset) + math.pi / 4)
    tags = torch.zeros(length, dtype=torch.long)
    tags[p_at:p_at + 5] = 1
    tags[s_at:s_at + 5] = 2
    return trace, tags

waves, tags = [], []
for _ in range(8):
    p = int(torch.randint(20, 80, (1,)))
    s = p + int(torch.randint(40, 90, (1,)))
    w, y = make_trace(p, s, cfg.window)
    waves.append(w)
    tags.append(y)

x = torch.stack(waves)   # (N, C, T)
y = torch.stack(tags)    # (N, T)
print("waves", tuple(x.shape), "tags", tuple(y.shape))

# %% [markdown]
# ## Model
# Conv front-end for local features, a GRU over time, then a per-sample linear head.

# %%
class PhasePicker(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.front = nn.Sequential(
            nn.Conv1d(cfg.n_channels, cfg.conv_width, kernel_size=7, padding=3),
            nn.GELU(),
            nn.Conv1d(cfg.conv_width, cfg.conv_width, kernel_size=5, padding=2),
            nn.GELU(),
        )
        self.rnn = nn.GRU(cfg.conv_width, cfg.gru_hidden, batch_first=True,
                          bidirectional=cfg.bidirectional)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(cfg.gru_hidden, cfg.n_phases))

    def forward(self, wave):
        h = self.front(wave)            # (B, conv_width, T)
        h = h.transpose(1, 2)           # (B, T, conv_width)
        h, _ = self.rnn(h)
        return self.head(h)             # (B, T, n_phases)

model = PhasePicker(cfg)
print(model)

# %% [markdown]
# ## Sanity check
# Push a couple of windows through and look at the output shape.

# %%
batch = x[:2]
print("in ", tuple(batch.shape))
out = model(batch)
print("out", tuple(out.shape))

# %% [markdown]
# ## Train
# Phase samples are rare, so weight them up in the loss.

# %%
class_w = torch.tensor([1.0, 20.0, 20.0])
opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
for epoch in range(cfg.epochs):
    for i in range(0, len(x), 8):
        batch, target = x[i:i + 8], y[i:i + 8]
        out = model(batch)
        loss = F.cross_entropy(out.reshape(-1, cfg.n_phases), target.reshape(-1), weight=class_w)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")

# %% [markdown]
# ## Picks on one window

# %%
model.eval()
with torch.no_grad():
    out = model(x[:1]).argmax(-1)[0]
print("true P/S:", (y[0] == 1).nonzero()[0].item(), (y[0] == 2).nonzero()[0].item())
print("picked P:", (out == 1).nonzero().flatten()[:3].tolist(), "S:", (out == 2).nonzero().flatten()[:3].tolist())
