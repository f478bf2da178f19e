"""One-step-ahead forecasting of per-field Sentinel-2 band values.

Each field has a different number of cloud-free acquisitions, so series are ragged.
"""
import math
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

random.seed(3)
torch.manual_seed(3)

N_BANDS = 4  # red, nir, swir1, ndvi


def simulate_field(n_obs):
    phase = random.uniform(0, math.pi)
    t = torch.linspace(0, 2 * math.pi, n_obs)
    base = torch.stack([0.3 * torch.sin(t + phase + k) for k in range(N_BANDS)], dim=1)
    return base + 0.02 * torch.randn(n_obs, N_BANDS)


field_ids = [f"T31UFQ_{i:03d}" for i in range(24)]
series = [simulate_field(random.randint(12, 30)) for _ in field_ids]

inputs = [s[:-1] for s in series]
targets = [s[1:] for s in series]


class Forecaster(nn.Module):
    def __init__(self, n_bands, hidden=32):
        super().__init__()
        self.rnn = nn.GRU(n_bands, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_bands)

    def forward(self, x):
        h, _ = self.rnn(x)
        return self.out(h)


def make_batch(idx):
    xs = [inputs[i] for i in idx]
    ys = [targets[i] for i in idx]
    lengths = torch.tensor([len(x) for x in xs])
    x = pad_sequence(xs, batch_first=True)
    y = pad_sequence(ys, batch_first=True)
    mask = torch.arange(x.size(1))[None, :] < lengths[:, None]
    return x, y, mask, ys


model = Forecaster(N_BANDS)
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
train_idx, val_idx = list(range(18)), list(range(18, 24))

for epoch in range(2):
    random.shuffle(train_idx)
    for b in range(0, len(train_idx), 6):
        x, y, mask, _ = make_batch(train_idx[b:b + 6])
        pred = model(x)
        loss = ((pred - y) ** 2).mean(-1)[mask].mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  masked mse {loss.item():.5f}")


def evaluate(idx):
    def per_step_errors(pred, y_true):
        errs = []
        for t in range(pred.shape[0]):
            errs.append((pred[t] - y_true[t]).abs().mean().item())
        return errs

    def summarise(name, errs):
        early = sum(errs[:5]) / 5
        late = sum(errs[-5:]) / 5
        return f"{name}: mae first5={early:.4f} last5={late:.4f}"

    model.eval()
    x, _, _, ys = make_batch(idx)
    with torch.no_grad():
        preds = model(x)
    lines = []
    for name, p, y_true in zip([field_ids[i] for i in idx], preds, ys):
        lines.append(summarise(name, per_step_errors(p, y_true)))
    return lines


for line in evaluate(val_idx):
    print(line)
