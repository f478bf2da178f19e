# 2D FNO for the periodic Poisson problem  -lap(u) = f  on [0,1)^2.
# Train at 32x32, then check resolution transfer on the subsampled grid.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

np.random.seed(0)
torch.manual_seed(0)

N = 32
NTR, NTE = 20, 4
MODES = 8
WIDTH = 16


def grf(n, s, alpha=2.5, tau=3.0):
    k = np.fft.fftfreq(s, d=1.0 / s)
    kx, ky = np.meshgrid(k, k, indexing="ij")
    sq = (4 * np.pi ** 2 * (kx ** 2 + ky ** 2) + tau ** 2) ** (-alpha / 2)
    sq[0, 0] = 0.0
    xi = np.random.randn(n, s, s) + 1j * np.random.randn(n, s, s)
    return np.real(np.fft.ifft2(xi * sq * s))


def poisson(f):
    s = f.shape[-1]
    k = np.fft.fftfreq(s, d=1.0 / s)
    kx, ky = np.meshgrid(k, k, indexing="ij")
    k2 = 4 * np.pi ** 2 * (kx ** 2 + ky ** 2)
    k2[0, 0] = 1.0
    fh = np.fft.fft2(f)
    uh = fh / k2
    uh[..., 0, 0] = 0.0
    return np.real(np.fft.ifft2(uh))


class SpecConv(nn.Module):
    def __init__(self, ci, co, m1, m2):
        super().__init__()
        self.m1, self.m2 = m1, m2
        sc = 1.0 / (ci * co)
        self.w1 = nn.Parameter(sc * torch.rand(ci, co, m1, m2, dtype=torch.cfloat))
        self.w2 = nn.Parameter(sc * torch.rand(ci, co, m1, m2, dtype=torch.cfloat))

    def forward(self, x):
        b, c, h, w = x.shape
        xf = torch.fft.rfft2(x)
        of = torch.zeros(b, self.w1.shape[1], h, w // 2 + 1, dtype=torch.cfloat)
        of[:, :, :self.m1, :self.m2] = torch.einsum("bixy,ioxy->boxy", xf[:, :, :self.m1, :self.m2], self.w1)
        of[:, :, -self.m1:, :self.m2] = torch.einsum("bixy,ioxy->boxy", xf[:, :, -self.m1:, :self.m2], self.w2)
        return torch.fft.irfft2(of, s=(h, w))


class FNO2d(nn.Module):
    def __init__(self, m, wd, nl=3):
        super().__init__()
        self.lift = nn.Linear(3, wd)
        self.sc = nn.ModuleList([SpecConv(wd, wd, m, m) for _ in range(nl)])
        self.pw = nn.ModuleList([nn.Conv2d(wd, wd, 1) for _ in range(nl)])
        self.q1 = nn.Linear(wd, 64)
        self.q2 = nn.Linear(64, 1)

    def forward(self, f):
        b, s, _ = f.shape
        g = torch.linspace(0, 1, s + 1)[:-1]
        gx, gy = torch.meshgrid(g, g, indexing="ij")
        z = torch.stack([f, gx.expand(b, s, s), gy.expand(b, s, s)], -1)
        z = self.lift(z).permute(0, 3, 1, 2)
        for k, (s_, p_) in enumerate(zip(self.sc, self.pw)):
            z = s_(z) + p_(z)
            if k < len(self.sc) - 1:
                z = F.gelu(z)
        z = z.permute(0, 2, 3, 1)
        return self.q2(F.gelu(self.q1(z))).squeeze(-1)


fs = grf(NTR + NTE, N)
us = poisson(fs)
fsc, usc = fs.std(), us.std()
fT = torch.tensor(fs / fsc, dtype=torch.float32)
uT = torch.tensor(us / usc, dtype=torch.float32)
ftr, utr, fte, ute = fT[:NTR], uT[:NTR], fT[NTR:], uT[NTR:]

net = FNO2d(MODES, WIDTH)
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, 8, 0.5)


def relL2(a, b):
    return (torch.linalg.norm((a - b).flatten(1), dim=1) / torch.linalg.norm(b.flatten(1), dim=1)).mean()


for ep in range(1):
    perm = torch.randperm(NTR)
    for i in range(0, NTR, 10):
        j = perm[i:i + 10]
        loss = relL2(net(ftr[j]), utr[j])
        opt.zero_grad()
        loss.backward()
        opt.step()
    sched.step()
    if ep % 4 == 3:
        with torch.no_grad():
            print(f"ep {ep+1:3d}  train {loss.item():.3e}  test {relL2(net(fte), ute).item():.3e}")

# zero-shot resolution transfer: evaluate on every other grid point
with torch.no_grad():
    for r in (1, 2):
        e = relL2(net(fte[:, ::r, ::r]), ute[:, ::r, ::r]).item()
        print(f"s = {N // r:3d}  rel L2 = {e:.3e}")
