import math
import random
import tempfile

import torch
import torch.nn as nn

torch.manual_seed(0)
random.seed(0)

STATIONS = ["Aberdeen", "Bergen", "Cork", "Dundee", "Esbjerg", "Faro"]
HOURS = 72
LOOKBACK = 24
LEAD = 6
STEP = 4

workdir = tempfile.mkdtemp(prefix="wx_")

# hourly temperatures: a daily cycle per station plus noise
readings = []
for s, name in enumerate(STATIONS):
    base = 8.0 + 2.5 * s
    amp = 4.0 + random.random() * 3.0
    row = [base + amp * math.sin(2 * math.pi * (h - 6) / 24) + random.gauss(0, 0.6)
           for h in range(HOURS)]
    readings.append(row)
temps = torch.tensor(readings)  # (stations, hours)

mu = temps.mean(dim=1, keepdim=True)
sd = temps.std(dim=1, keepdim=True)
temps = (temps - mu) / sd


def cut_window(series, start, lookback, lead):
    past = series[:, start:start + lookback]
    future = series[:, start + lookback + lead - 1]
    return past, future


xs, ys = [], []
for start in range(0, temps.size(1) - LOOKBACK - LEAD + 1, STEP):
    past, future = cut_window(temps, start, LOOKBACK, LEAD)
    xs.append(past)
    ys.append(future)

X = torch.cat(xs, dim=0).unsqueeze(-1)  # (samples, lookback, 1)
Y = torch.cat(ys, dim=0)
print("windows:", X.shape, Y.shape)


class StationGRU(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.rnn = nn.GRU(1, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.out(h[-1]).squeeze(-1)


net = StationGRU()
opt = torch.optim.Adam(net.parameters(), lr=3e-3)
loss_fn = nn.MSELoss()

n_train = int(0.8 * X.size(0))
perm = torch.randperm(X.size(0))
tr_idx, va_idx = perm[:n_train], perm[n_train:]

for epoch in range(5):
    net.train()
    for i in range(0, n_train, 16):
        b = tr_idx[i:i + 16]
        pred = net(X[b])
        loss = loss_fn(pred, Y[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        val = loss_fn(net(X[va_idx]), Y[va_idx]).item()
    print(f"epoch {epoch} train {loss.item():.4f} val {val:.4f}")

torch.save(net.state_dict(), f"{workdir}/station_gru.pt")
print("saved to", workdir)
