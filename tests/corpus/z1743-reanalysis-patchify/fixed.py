import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
rng = np.random.default_rng(3)

# toy reanalysis: 6-hourly fields on a regular lat-lon grid, next-step forecaster (ViT-style)
nlat, nlon = 32, 64
nv = 4                      # t2m, u10, v10, msl
ntime = 120
p = 8                       # patch edge in grid points
lat = np.linspace(-90 + 180 / nlat / 2, 90 - 180 / nlat / 2, nlat)
lon = np.linspace(0, 360, nlon, endpoint=False)
LA, LO = np.meshgrid(np.deg2rad(lat), np.deg2rad(lon), indexing="ij")


def synth():
    tt = np.arange(ntime) * 0.25                         # days
    A = np.zeros((ntime, nlat, nlon, nv), np.float32)
    for i, d in enumerate(tt):
        c = 2 * np.pi * d / 5.0
        t2m = 288 - 30 * np.sin(LA) ** 2 + 3 * np.cos(3 * LO - c) * np.cos(LA)
        psi = np.cos(LA) ** 2 * np.sin(4 * LO - 1.3 * c)
        u10 = -np.gradient(psi, axis=0) * nlat / np.pi * 8
        v10 = np.gradient(psi, axis=1) * nlon / (2 * np.pi) / (np.cos(LA) + 1e-3) * 8
        msl = 1013 + 12 * psi
        A[i] = np.stack([t2m, u10, v10, msl], axis=-1)
    A += 0.1 * rng.normal(size=A.shape).astype(np.float32)
    return A


A = synth()                                              # (time, lat, lon, var)
mu = A.mean(axis=(0, 1, 2), keepdims=True)
sd = A.std(axis=(0, 1, 2), keepdims=True)
Z = torch.from_numpy((A - mu) / sd).permute(0, 3, 1, 2)  # (time, var, lat, lon)
w_lat = torch.tensor(np.cos(np.deg2rad(lat)), dtype=torch.float32)
w_lat = w_lat / w_lat.mean()
print("fields", tuple(Z.shape))

nph, npw = nlat // p, nlon // p
npatch = nph * npw
dpatch = nv * p * p


def patchify(x):
    B, C, H, W = x.shape
    x = x.view(B, C, H // p, p, W // p, p)
    x = x.permute(0, 2, 4, 1, 3, 5)
    return x.reshape(B, (H // p) * (W // p), C * p * p)


wp = patchify(w_lat[None, None, :, None].expand(1, nv, nlat, nlon).contiguous())[0]


class Fcst(nn.Module):
    def __init__(self, d=64, nh=4, nl=2):
        super().__init__()
        self.inp = nn.Linear(dpatch, d)
        self.pos = nn.Parameter(0.02 * torch.randn(1, npatch, d))
        lay = nn.TransformerEncoderLayer(d, nh, 2 * d, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(lay, nl)
        self.out = nn.Linear(d, dpatch)

    def forward(self, xp):
        h = self.inp(xp) + self.pos
        return xp + self.out(self.enc(h))


m = Fcst()
opt = torch.optim.AdamW(m.parameters(), lr=1e-3)
ntr = 96
bs = 8
for ep in range(6):
    p_ = torch.randperm(ntr - 1)
    ls = []
    for i in range(0, ntr - 1, bs):
        j = p_[i:i + bs]
        x0 = patchify(Z[j])
        x1 = patchify(Z[j + 1])
        l = (wp * (m(x0) - x1) ** 2).mean()
        opt.zero_grad()
        l.backward()
        opt.step()
        ls.append(l.item())
    print(f"ep {ep}  lat-weighted mse {np.mean(ls):.4f}")

m.eval()
with torch.no_grad():
    xs = patchify(Z[ntr:ntr + 1])
    rm = []
    for k in range(ntime - ntr - 1):
        xs = m(xs)
        tg = patchify(Z[ntr + k + 1:ntr + k + 2])
        rm.append(torch.sqrt((wp * (xs - tg) ** 2).mean()).item())
print("rollout rmse (normalized):", np.round(rm[::4], 3))
