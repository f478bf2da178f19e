# Fourier neural operator for 2D Darcy flow  -div(a grad u) = f,  u = 0 on boundary.
# Coefficient fields a(x) are thresholded Gaussian random fields; reference
# solutions from a 5-point finite-volume discretisation.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
rng = np.random.default_rng(11)

n = 24
h = 1.0 / (n - 1)
nsamp = 12
m1 = m2 = 6


def grf(n, alpha=2.0, tau=3.0):
    k = np.fft.fftfreq(n, d=1.0 / n)
    KX, KY = np.meshgrid(k, k, indexing="ij")
    spec = (4 * np.pi**2 * (KX**2 + KY**2) + tau**2) ** (-alpha / 2)
    xi = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    return np.real(np.fft.ifft2(spec * xi)) * n


def darcy_solve(a, f=1.0):
    ni = n - 2
    N = ni * ni
    A = np.zeros((N, N))
    b = np.full(N, f * h * h)
    idx = lambda i, j: (i - 1) * ni + (j - 1)
    for i in range(1, n - 1):
        for j in range(1, n - 1):
            r = idx(i, j)
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                am = 0.5 * (a[i, j] + a[i + di, j + dj])
                A[r, r] += am
                ii, jj = i + di, j + dj
                if 0 < ii < n - 1 and 0 < jj < n - 1:
                    A[r, idx(ii, jj)] -= am
    u = np.zeros((n, n))
    u[1:-1, 1:-1] = np.linalg.solve(A, b).reshape(ni, ni)
    return u


Acoef = np.zeros((nsamp, n, n), dtype=np.float32)
Usol = np.zeros((nsamp, n, n), dtype=np.float32)
for s in range(nsamp):
    g = grf(n)
    Acoef[s] = np.where(g > 0, 12.0, 3.0)
    Usol[s] = darcy_solve(Acoef[s])
print("u range", Usol.min(), Usol.max())

a_mu, a_sd = Acoef.mean(), Acoef.std()
u_sd = Usol.std()
xg = np.linspace(0, 1, n, dtype=np.float32)
XX, YY = np.meshgrid(xg, xg, indexing="ij")


class SpecConv2d(nn.Module):
    def __init__(self, cin, cout, m1, m2):
        super().__init__()
        self.cout, self.m1, self.m2 = cout, m1, m2
        sc = 1.0 / (cin * cout)
        self.w1 = nn.Parameter(sc * torch.rand(cin, cout, m1, m2))
        self.w2 = nn.Parameter(sc * torch.rand(cin, cout, m1, m2))

    def forward(self, x):
        B, _, nx, ny = x.shape
        xf = torch.fft.rfft2(x)
        of = torch.zeros(B, self.cout, nx, ny // 2 + 1, dtype=torch.cfloat)
        of[:, :, :self.m1, :self.m2] = torch.einsum(
            "bixy,ioxy->boxy", xf[:, :, :self.m1, :self.m2], self.w1)
        of[:, :, -self.m1:, :self.m2] = torch.einsum(
            "bixy,ioxy->boxy", xf[:, :, -self.m1:, :self.m2], self.w2)
        return torch.fft.irfft2(of, s=(nx, ny))


class FNO2d(nn.Module):
    def __init__(self, wd=20, nlay=3):
        super().__init__()
        self.lift = nn.Conv2d(3, wd, 1)
        self.spec = nn.ModuleList([SpecConv2d(wd, wd, m1, m2) for _ in range(nlay)])
        self.pw = nn.ModuleList([nn.Conv2d(wd, wd, 1) for _ in range(nlay)])
        self.proj = nn.Sequential(nn.Conv2d(wd, 64, 1), nn.GELU(), nn.Conv2d(64, 1, 1))

    def forward(self, a):
        B = a.shape[0]
        gx = torch.from_numpy(XX).expand(B, 1, n, n)
        gy = torch.from_numpy(YY).expand(B, 1, n, n)
        z = self.lift(torch.cat([a, gx, gy], dim=1))
        for k, (sp, pw) in enumerate(zip(self.spec, self.pw)):
            z = sp(z) + pw(z)
            if k < len(self.spec) - 1:
                z = F.gelu(z)
        return self.proj(z)


At = torch.from_numpy((Acoef - a_mu) / a_sd).unsqueeze(1)
Ut = torch.from_numpy(Usol / u_sd).unsqueeze(1)
ntr = 10

mdl = FNO2d()
opt = torch.optim.Adam(mdl.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, 20, 0.5)


def rel_l2(p, y):
    return (torch.linalg.norm((p - y).flatten(1), dim=1) / torch.linalg.norm(y.flatten(1), dim=1)).mean()


for ep in range(1):
    perm = torch.randperm(ntr)
    for j in range(0, ntr, 10):
        ix = perm[j:j + 10]
        loss = rel_l2(mdl(At[ix]), Ut[ix])
        opt.zero_grad()
        loss.backward()
        opt.step()
    sched.step()
    if ep % 10 == 0:
        print(f"ep {ep:3d}  rel L2 {loss.item():.4f}")

with torch.no_grad():
    err = rel_l2(mdl(At[ntr:]), Ut[ntr:])
print(f"test rel L2: {err.item():.4f}")
