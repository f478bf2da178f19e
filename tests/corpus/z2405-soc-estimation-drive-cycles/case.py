# SoC estimation on simulated drive cycles (NMC 18650, 1 Hz BMS logs).
# Per-timestep state-of-charge regression from V / I / T and dV/dt.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

SEED = 1234
CAPACITY_AH = 2.9
R0_OHM = 0.045
DT_S = 1.0
CYCLE_LEN = 300
N_CYCLES = 64
BATCH = 8
EPOCHS = 2

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

OCV_SOC = np.linspace(0.0, 1.0, 11)
OCV_V = np.array([3.00, 3.45, 3.55, 3.62, 3.67, 3.73, 3.81, 3.90, 3.98, 4.07, 4.18])


def ocv(soc):
    return np.interp(soc, OCV_SOC, OCV_V)


def drive_current_profile(n, rng):
    """Piecewise constant discharge / regen pulses, amps (positive = discharge)."""
    i = np.zeros(n)
    t = 0
    while t < n:
        seg = int(rng.integers(10, 60))
        level = rng.choice([rng.uniform(0.5, 6.0), rng.uniform(-3.0, -0.5), 0.0], p=[0.65, 0.2, 0.15])
        i[t : t + seg] = level
        t += seg
    return i


def simulate_cycle(rng):
    soc0 = rng.uniform(0.55, 1.0)
    amb = rng.uniform(5.0, 35.0)
    i = drive_current_profile(CYCLE_LEN, rng)
    soc = np.clip(soc0 - np.cumsum(i) * DT_S / 3600.0 / CAPACITY_AH, 0.0, 1.0)
    temp = amb + np.cumsum(i**2 * R0_OHM) * 0.002
    v = ocv(soc) - i * R0_OHM + rng.normal(0, 0.004, CYCLE_LEN)
    return {"voltage": v, "current": i, "temp": temp, "soc": soc}


def prepare_cycle(cycle):
    v, i, temp = cycle["voltage"], cycle["current"], cycle["temp"]
    dvdt = np.diff(v) / DT_S
    feats = np.stack([v[1:], i[1:], temp[1:], dvdt], axis=-1)
    return feats.astype(np.float32), cycle["soc"].astype(np.float32)


def build_tensors(cycles):
    xs, ys = zip(*(prepare_cycle(c) for c in cycles))
    X = torch.from_numpy(np.stack(xs))
    Y = torch.from_numpy(np.stack(ys))
    return X, Y


def standardise(train_x, *others):
    mu = train_x.mean(dim=(0, 1), keepdim=True)
    sd = train_x.std(dim=(0, 1), keepdim=True) + 1e-6
    return [(t - mu) / sd for t in (train_x, *others)]


class SocEstimator(nn.Module):
    def __init__(self, n_in=4, hidden=32):
        super().__init__()
        self.inp = nn.Linear(n_in, hidden)
        self.lstm = nn.LSTM(hidden, hidden, num_layers=2, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        h, _ = self.lstm(torch.tanh(self.inp(x)))
        return torch.sigmoid(self.out(h)).squeeze(-1)


def train_one_epoch(model, loader, opt):
    model.train()
    running = 0.0
    for xb, yb in loader:
        pred = model(xb)
        loss = F.mse_loss(pred, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    return running / len(loader)


@torch.no_grad()
def evaluate(model, X, Y):
    model.eval()
    pred = model(X)
    rmse = torch.sqrt(F.mse_loss(pred, Y)).item()
    return rmse * 100.0


cycles = [simulate_cycle(rng) for _ in range(N_CYCLES)]
split = int(0.8 * N_CYCLES)
X_tr, Y_tr = build_tensors(cycles[:split])
X_va, Y_va = build_tensors(cycles[split:])
X_tr, X_va = standardise(X_tr, X_va)
print("train cycles", tuple(X_tr.shape), "val cycles", tuple(X_va.shape))

train_loader = DataLoader(TensorDataset(X_tr, Y_tr), batch_size=BATCH, shuffle=True)
model = SocEstimator()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)

for ep in range(EPOCHS):
    tr_loss = train_one_epoch(model, train_loader, opt)
    print(f"epoch {ep}: train mse {tr_loss:.5f}  val RMSE {evaluate(model, X_va, Y_va):.2f} %SoC")
