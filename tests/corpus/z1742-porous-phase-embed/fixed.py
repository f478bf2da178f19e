import os
import tempfile
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2)
rng = np.random.default_rng(2)

# 2D micro-structure surrogate: phase map (pore / quartz / clay) + porosity field -> log k_eff
n = 32
nsmp = 48
n_ph = 3
k_ph = np.array([1.0, 1e-4, 1e-2])   # intrinsic phase permeabilities (scaled)


def gauss_field(ell):
    kx = np.fft.fftfreq(n)[:, None]
    ky = np.fft.fftfreq(n)[None, :]
    S = np.exp(-0.5 * (kx**2 + ky**2) * (2 * np.pi * ell) ** 2)
    z = np.fft.ifft2(np.sqrt(S) * np.fft.fft2(rng.normal(size=(n, n)))).real
    return (z - z.mean()) / (z.std() + 1e-12)


def sample():
    g1 = gauss_field(rng.uniform(2, 5))
    g2 = gauss_field(rng.uniform(1, 3))
    th = rng.uniform(-0.3, 0.6)
    ph = np.where(g1 > th, 1, 0)
    ph[(ph == 1) & (g2 > 1.0)] = 2
    por = np.clip(0.35 + 0.05 * gauss_field(3.0), 0.05, 0.6) * (ph == 0)
    return ph, por


def keff(ph, por):
    # crude upscaling: harmonic along x of arithmetic-over-y columns
    kl = k_ph[ph] * (1 + 10 * por**3)
    col = kl.mean(axis=0)
    return np.log(1.0 / np.mean(1.0 / col))


PH, PO, KE = [], [], []
for _ in range(nsmp):
    p, q = sample()
    PH.append(p)
    PO.append(q)
    KE.append(keff(p, q))
PH = np.stack(PH)
PO = np.stack(PO)
KE = np.array(KE)

# single array of input channels, as written to disk by the sim pipeline
X = np.stack([PH, PO], axis=1).astype(np.float32)      # (nsmp, 2, n, n)
km, ks = KE.mean(), KE.std()
Y = ((KE - km) / ks).astype(np.float32)
wd = tempfile.mkdtemp()
fp = os.path.join(wd, "pm_set.npz")
np.savez(fp, X=X, Y=Y)

dat = np.load(fp)
X = torch.from_numpy(dat["X"])
Y = torch.from_numpy(dat["Y"])
ntr = 40
Xtr, Ytr, Xte, Yte = X[:ntr], Y[:ntr], X[ntr:], Y[ntr:]
print("inputs", tuple(Xtr.shape), "targets", tuple(Ytr.shape))


class KNet(nn.Module):
    def __init__(self, de=4, w=16):
        super().__init__()
        self.emb = nn.Embedding(n_ph, de)
        self.c1 = nn.Conv2d(de + 1, w, 3, padding=1)
        self.c2 = nn.Conv2d(w, 2 * w, 3, padding=1)
        self.c3 = nn.Conv2d(2 * w, 2 * w, 3, padding=1)
        self.hd = nn.Linear(2 * w, 1)

    def forward(self, x):
        ph = x[:, 0].long()
        por = x[:, 1:2]
        e = self.emb(ph).permute(0, 3, 1, 2)
        h = torch.cat([e, por], dim=1)
        h = F.gelu(self.c1(h))
        h = F.max_pool2d(F.gelu(self.c2(h)), 2)
        h = F.max_pool2d(F.gelu(self.c3(h)), 2)
        return self.hd(h.mean(dim=(2, 3)))[:, 0]


net = KNet()
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
bs = 32
for ep in range(1):
    p = torch.randperm(ntr)
    ls = []
    for i in range(0, ntr, bs):
        j = p[i:i + bs]
        l = F.mse_loss(net(Xtr[j]), Ytr[j])
        opt.zero_grad()
        l.backward()
        opt.step()
        ls.append(l.item())
    if ep % 5 == 0:
        print(f"ep {ep:2d}  mse {np.mean(ls):.4f}")

net.eval()
with torch.no_grad():
    yp = net(Xte)
r2 = 1 - ((yp - Yte) ** 2).sum() / ((Yte - Yte.mean()) ** 2).sum()
print(f"test R2 {r2.item():.3f}")
print("log k_eff range (pred):", (yp * ks + km).min().item(), (yp * ks + km).max().item())
