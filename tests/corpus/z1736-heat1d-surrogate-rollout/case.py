# 1D heat equation u_t = kap u_xx + q(x,t) on [0,1], Dirichlet u=0.
# Explicit FD reference solver, snapshots every isave steps; a small conv
# surrogate learns the coarse-step map u(t_k) -> u(t_{k+1}) and is rolled out.
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
rng = np.random.default_rng(1)

nx = 64
L = 1.0
dx = L / (nx - 1)
kap = 0.05
dt = 0.4 * dx**2 / kap          # CFL-safe explicit step
nt = 400
isave = 10
x = np.linspace(0.0, L, nx)
tgrid = np.arange(nt + 1) * dt


def src(t, a, w):
    return a * np.sin(np.pi * x) * np.cos(w * t)


def fd_solve(u0, a, w):
    u = u0.copy()
    snaps = [u.copy()]
    for n in range(nt):
        lap = np.zeros_like(u)
        lap[1:-1] = (u[2:] - 2 * u[1:-1] + u[:-2]) / dx**2
        u = u + dt * (kap * lap + src(tgrid[n], a, w))
        u[0] = u[-1] = 0.0
        if (n + 1) % isave == 0:
            snaps.append(u.copy())
    return np.stack(snaps)        # (nt//isave + 1, nx)


def rand_ic():
    k = rng.integers(1, 5, size=3)
    c = rng.normal(size=3)
    return sum(ci * np.sin(ki * np.pi * x) for ci, ki in zip(c, k))


nsamp = 6
U, P = [], []
for i in range(nsamp):
    a, w = rng.uniform(0.5, 2.0), rng.uniform(1.0, 6.0)
    U.append(fd_solve(rand_ic(), a, w))
    P.append((a, w))
U = np.stack(U).astype(np.float32)     # (nsamp, nsnap, nx)
P = np.array(P, dtype=np.float32)
nsnap = U.shape[1]
tsnap = tgrid[::isave].astype(np.float32)
print("trajectories", U.shape, "dt_coarse", isave * dt)


class Stepper(nn.Module):
    def __init__(self, wd=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(4, wd, 5, padding=2), nn.GELU(),
            nn.Conv1d(wd, wd, 5, padding=2), nn.GELU(),
            nn.Conv1d(wd, 1, 5, padding=2),
        )

    def forward(self, u, a, w, t):
        b = u.shape[0]
        qa = a.view(b, 1).expand(b, nx)
        qw = w.view(b, 1).expand(b, nx)
        qt = t.view(b, 1).expand(b, nx)
        z = torch.stack([u, qa, qw * qt, torch.cos(qw * qt)], dim=1)
        du = self.net(z).squeeze(1)
        du = du.clone()
        du[:, 0] = du[:, -1] = 0.0
        return u + du


ntr = 4
Utr = torch.from_numpy(U[:ntr])
Ptr = torch.from_numpy(P[:ntr])
Tsn = torch.from_numpy(tsnap)

u0 = Utr[:, :-1].reshape(-1, nx)
u1 = Utr[:, 1:].reshape(-1, nx)
pa = Ptr[:, 0:1].expand(ntr, nsnap - 1).reshape(-1)
pw = Ptr[:, 1:2].expand(ntr, nsnap - 1).reshape(-1)
pt = Tsn[:-1].expand(ntr, nsnap - 1).reshape(-1)

mdl = Stepper()
opt = torch.optim.Adam(mdl.parameters(), lr=2e-3)
for ep in range(1):
    perm = torch.randperm(u0.shape[0])
    for j in range(0, len(perm), 128):
        ix = perm[j:j + 128]
        pred = mdl(u0[ix], pa[ix], pw[ix], pt[ix])
        loss = ((pred - u1[ix])**2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    if ep % 10 == 0:
        print(f"ep {ep:3d}  mse {loss.item():.3e}")

# autoregressive rollout on held-out trajectories
U_te = torch.from_numpy(U[ntr:])
P_te = torch.from_numpy(P[ntr:])
nte = U_te.shape[0]
mdl.eval()
err = []
with torch.no_grad():
    u = U_te[:, 0]
    for n in range(len(tgrid) - 1):
        tn = torch.full((nte,), float(tsnap[n]))
        u = mdl(u, P_te[:, 0], P_te[:, 1], tn)
        ref = U_te[:, n + 1]
        e = torch.linalg.norm(u - ref, dim=1) / torch.linalg.norm(ref, dim=1).clamp_min(1e-8)
        err.append(e.mean().item())

err = np.array(err)
print("rollout rel. L2 err: first %.3e  last %.3e" % (err[0], err[-1]))
print("time of max err: %.4f" % tsnap[1 + int(np.argmax(err))])
