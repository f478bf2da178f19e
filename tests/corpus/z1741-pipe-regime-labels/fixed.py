import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(1)
rng = np.random.default_rng(1)

# synthetic hot-wire records in a pipe: classify laminar / transitional / turbulent
D = 0.02          # pipe diameter [m]
nuk = 1.0e-6      # kinematic viscosity of water [m^2/s]
fs = 2000.0       # sampling rate [Hz]
ns = 512          # samples per record
re_edges = np.array([0.0, 2300.0, 4000.0, 2.0e4])   # regime boundaries in Re
n_cls = len(re_edges) - 1
names = ["laminar", "transitional", "turbulent"]


def record(Re):
    Ub = Re * nuk / D
    tt = np.arange(ns) / fs
    if Re < re_edges[1]:
        ti = 0.005
        u = Ub * (1 + ti * rng.normal(size=ns))
    elif Re < re_edges[2]:
        # intermittent puffs
        gam = (Re - re_edges[1]) / (re_edges[2] - re_edges[1])
        env = (rng.uniform(size=ns // 32) < gam).repeat(32).astype(float)
        u = Ub * (1 + 0.01 * rng.normal(size=ns) + 0.08 * env * rng.normal(size=ns))
    else:
        # red-ish spectrum, Kolmogorov-like roll-off
        f = np.fft.rfftfreq(ns, 1 / fs)
        amp = 1.0 / (1 + (f / (50 + 0.01 * Re)) ** (5 / 3))
        ph = np.exp(2j * np.pi * rng.uniform(size=f.size))
        w = np.fft.irfft(amp * ph, n=ns)
        u = Ub * (1 + 0.05 * w / w.std())
    return tt, u


def feats(u):
    up = u - u.mean()
    ti = up.std() / u.mean()
    sk = (up**3).mean() / up.std() ** 3
    ku = (up**4).mean() / up.std() ** 4
    P = np.abs(np.fft.rfft(up)) ** 2
    P = P / P.sum()
    nb = 8
    bands = np.array([b.sum() for b in np.array_split(P[1:], nb)])
    return np.concatenate([[np.log(ti), sk, np.log(ku)], np.log(bands + 1e-12)])


N = 150
Re = 10 ** rng.uniform(np.log10(500), np.log10(1.5e4), size=N)
F = np.stack([feats(record(r)[1]) for r in Re])
y = np.digitize(Re, re_edges) - 1

mu, sd = F.mean(0), F.std(0) + 1e-8
F = (F - mu) / sd

perm = rng.permutation(N)
itr, ite = perm[:120], perm[120:]
Xtr = torch.tensor(F[itr], dtype=torch.float32)
ytr = torch.tensor(y[itr], dtype=torch.long)
Xte = torch.tensor(F[ite], dtype=torch.float32)
yte = torch.tensor(y[ite], dtype=torch.long)
print("features:", Xtr.shape, " class counts:", np.bincount(y))

clf = nn.Sequential(
    nn.Linear(Xtr.shape[1], 64), nn.Tanh(),
    nn.Linear(64, 64), nn.Tanh(),
    nn.Linear(64, n_cls),
)
opt = torch.optim.Adam(clf.parameters(), lr=3e-3, weight_decay=1e-4)
crit = nn.CrossEntropyLoss()

bs = 64
for ep in range(1):
    p = torch.randperm(Xtr.shape[0])
    tot = 0.0
    for i in range(0, Xtr.shape[0], bs):
        j = p[i:i + bs]
        lo = crit(clf(Xtr[j]), ytr[j])
        opt.zero_grad()
        lo.backward()
        opt.step()
        tot += lo.item() * len(j)
    if ep % 10 == 0:
        print(f"ep {ep:3d}  ce {tot / Xtr.shape[0]:.4f}")

with torch.no_grad():
    yh = clf(Xte).argmax(-1)
acc = (yh == yte).float().mean().item()
print(f"test acc {acc:.3f}")
cm = np.zeros((n_cls, n_cls), int)
for a, b in zip(yte.numpy(), yh.numpy()):
    cm[a, b] += 1
for k in range(n_cls):
    print(f"{names[k]:>13s}", cm[k])
