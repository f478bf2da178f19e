# %% [markdown]
# # Quay-crane productivity (gross moves per hour) from shift telemetry
# Each sample: one crane-shift, 12 hourly telemetry readings
# (spreader cycles, wind speed, twin-lift share, hatch covers moved).
# Target: GMPH for the shift. Small 1D-conv regressor.

# %%
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 19
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

N_SHIFTS = 900
HOURS = 12
N_CH = 4
BATCH = 32
EPOCHS = 4

CRANES = [f"QC{n:02d}" for n in range(1, 15)]

# %%
crane_id = rng.integers(0, len(CRANES), N_SHIFTS)
wind = np.clip(rng.normal(9, 4, (N_SHIFTS, HOURS)), 0, None)
twin = rng.beta(2, 5, (N_SHIFTS, HOURS))
hatch = rng.poisson(0.4, (N_SHIFTS, HOURS)).astype(float)
cycles = np.clip(32 - 0.6 * wind + 10 * twin - 3 * hatch + rng.normal(0, 2, (N_SHIFTS, HOURS)), 0, None)

telemetry = np.stack([cycles / 40.0, wind / 20.0, twin, hatch], axis=1).astype(np.float32)
crane_bias = rng.normal(0, 1.5, len(CRANES))
gmph = (cycles * (1 + twin)).mean(1) + crane_bias[crane_id] + rng.normal(0, 1.0, N_SHIFTS)
gmph = gmph.astype(np.float32)
print("telemetry", telemetry.shape, "| mean GMPH %.1f" % gmph.mean())

# %%
idx = rng.permutation(N_SHIFTS)
tr, va = idx[:720], idx[720:]
Xtr, ytr = torch.from_numpy(telemetry[tr]), torch.from_numpy(gmph[tr])
Xva, yva = torch.from_numpy(telemetry[va]), torch.from_numpy(gmph[va])
y_mu, y_sd = ytr.mean(), ytr.std()

def shift_batches(X, y, bs, seed):
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(X), generator=g)
    for i in range(0, len(X), bs):
        j = order[i:i + bs]
        yield X[j], (y[j] - y_mu) / y_sd

train_batches = shift_batches(Xtr, ytr, BATCH, SEED)
val_batches = [(Xva[i:i + 128], (yva[i:i + 128] - y_mu) / y_sd) for i in range(0, len(Xva), 128)]

# %%
class CraneConv(nn.Module):
    def __init__(self, ch=N_CH, width=24):
        super().__init__()
        self.c1 = nn.Conv1d(ch, width, 3, padding=1)
        self.c2 = nn.Conv1d(width, width, 3, padding=1)
        self.out = nn.Linear(2 * width, 1)

    def forward(self, x):
        h = F.relu(self.c1(x))
        h = F.relu(self.c2(h))
        pooled = torch.cat([h.mean(-1), h.amax(-1)], dim=-1)
        return self.out(pooled).squeeze(-1)

net = CraneConv()
opt = torch.optim.Adam(net.parameters(), lr=4e-3)

def evaluate():
    net.eval()
    with torch.no_grad():
        errs = [((net(xb) - yb) * y_sd).abs() for xb, yb in val_batches]
    return torch.cat(errs).mean().item()

# %%
log = {}
for epoch in range(EPOCHS):
    net.train()
    epoch_loss, n_batches = 0.0, 0
    for xb, yb in train_batches:
        loss = F.mse_loss(net(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss += loss.item()
        n_batches += 1
    log[epoch] = (epoch_loss / n_batches, evaluate())
    print(f"epoch {epoch}  train mse {log[epoch][0]:.3f}  val MAE {log[epoch][1]:.2f} moves/h")

# %%
net.eval()
with torch.no_grad():
    pred_va = net(Xva) * y_sd + y_mu
per_crane = {}
for k, c in zip(va, pred_va.tolist()):
    per_crane.setdefault(CRANES[crane_id[k]], []).append(c)
for name in sorted(per_crane):
    print(f"{name}: predicted GMPH {np.mean(per_crane[name]):5.1f}  over {len(per_crane[name])} shifts")
