import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
rng = np.random.default_rng(0)

# 1D viscous Burgers on a periodic domain, pseudo-spectral + RK4 reference
nx = 64
L = 2 * np.pi
nu = 0.05
T = 1.0
nt = 200
dt = T / nt
sv = 2                      # store every sv-th solver step
x = np.linspace(0, L, nx, endpoint=False)
t = np.linspace(0, T, nt + 1)
kw = 2 * np.pi * np.fft.fftfreq(nx, d=L / nx)


def rhs(u):
    uh = np.fft.fft(u)
    ux = np.real(np.fft.ifft(1j * kw * uh))
    uxx = np.real(np.fft.ifft(-kw**2 * uh))
    return -u * ux + nu * uxx


def solve(u0):
    u = u0.copy()
    out = [u.copy()]
    for n in range(nt):
        k1 = rhs(u)
        k2 = rhs(u + 0.5 * dt * k1)
        k3 = rhs(u + 0.5 * dt * k2)
        k4 = rhs(u + dt * k3)
        u = u + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if (n + 1) % sv == 0:
            out.append(u.copy())
    return np.stack(out)


def rand_ic(nm=4):
    a = rng.normal(size=nm) / np.arange(1, nm + 1)
    ph = rng.uniform(0, 2 * np.pi, size=nm)
    u0 = sum(a[m] * np.sin((m + 1) * x + ph[m]) for m in range(nm))
    return u0 / np.abs(u0).max()


ntr = 1
U = np.stack([solve(rand_ic()) for _ in range(ntr)])   # (ntr, nsnap, nx)
print("train traj:", U.shape)

# one-step pairs u_n -> u_{n+1} at the stored interval
Xa = U[:, :-1].reshape(-1, nx)
Ya = U[:, 1:].reshape(-1, nx)
Xa = torch.tensor(Xa, dtype=torch.float32)
Ya = torch.tensor(Ya, dtype=torch.float32)


class Stepper(nn.Module):
    def __init__(self, w=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(1, w, 5, padding=2, padding_mode="circular"), nn.GELU(),
            nn.Conv1d(w, w, 5, padding=2, padding_mode="circular"), nn.GELU(),
            nn.Conv1d(w, 1, 5, padding=2, padding_mode="circular"),
        )

    def forward(self, u):
        return u + self.net(u[:, None])[:, 0]


mdl = Stepper()
opt = torch.optim.Adam(mdl.parameters(), lr=2e-3)
nb = 128
for it in range(5):
    ib = torch.randint(0, Xa.shape[0], (nb,))
    loss = ((mdl(Xa[ib]) - Ya[ib]) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 100 == 0:
        print(f"it {it:4d}  mse {loss.item():.3e}")

# autoregressive rollout on unseen ICs
nte = 1
U_te = torch.tensor(np.stack([solve(rand_ic()) for _ in range(nte)]),
                    dtype=torch.float32).transpose(0, 1)     # (nsnap, nte, nx)

mdl.eval()
err = []
with torch.no_grad():
    up = U_te[0].clone()
    for n in range(nt):
        up = mdl(up)
        ref = U_te[n + 1]
        e = torch.linalg.norm(up - ref, dim=-1) / torch.linalg.norm(ref, dim=-1)
        err.append(e.numpy())
err = np.array(err)

print("rel L2 err at end of rollout:", err[-1])
print("mean rel L2 err:", err.mean())
energy = 0.5 * (up**2).mean(-1)
print("final energy (pred):", energy.numpy())
