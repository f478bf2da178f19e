# PINN for viscous Burgers:  u_t + u u_x = nu u_xx,  x in [-1,1], t in [0,1]
# u(x,0) = -sin(pi x),  u(-1,t) = u(1,t) = 0
import numpy as np
import torch
import torch.nn as nn

np.random.seed(7)
torch.manual_seed(7)

nu = 0.01 / np.pi
NF, N0, NB = 1200, 100, 100
XLO, XHI, TLO, THI = -1.0, 1.0, 0.0, 1.0


def lhs(n, d):
    # latin hypercube on [0,1]^d
    u = (np.arange(n)[:, None] + np.random.rand(n, d)) / n
    for j in range(d):
        u[:, j] = u[np.random.permutation(n), j]
    return u


class MLP(nn.Module):
    def __init__(self, layers):
        super().__init__()
        mods = []
        for a, b in zip(layers[:-2], layers[1:-1]):
            mods += [nn.Linear(a, b), nn.Tanh()]
        mods.append(nn.Linear(layers[-2], layers[-1]))
        self.f = nn.Sequential(*mods)
        lb = torch.tensor([XLO, TLO])
        ub = torch.tensor([XHI, THI])
        self.register_buffer("lb", lb)
        self.register_buffer("ub", ub)

    def forward(self, xt):
        z = 2.0 * (xt - self.lb) / (self.ub - self.lb) - 1.0
        return self.f(z)


def residual(net, xt):
    xt = xt.clone().requires_grad_(True)
    u = net(xt)
    g = torch.autograd.grad(u.sum(), xt, create_graph=True)[0]
    ux, ut = g[:, :1], g[:, 1:]
    uxx = torch.autograd.grad(ux.sum(), xt, create_graph=True)[0][:, :1]
    return ut + u * ux - nu * uxx


# initial and boundary data
x0 = torch.linspace(XLO, XHI, N0)[:, None]
xt0 = torch.cat([x0, torch.zeros_like(x0)], 1)
u0 = -torch.sin(np.pi * x0)

tb = torch.rand(NB, 1) * (THI - TLO) + TLO
xtb = torch.cat([torch.cat([torch.full_like(tb, XLO), tb], 1),
                 torch.cat([torch.full_like(tb, XHI), tb], 1)], 0)
ub = torch.zeros(2 * NB, 1)

# interior collocation points, denser near x=0 where the shock forms
c = lhs(NF, 2)
c[:, 0] = XLO + (XHI - XLO) * c[:, 0]
c[:, 1] = TLO + (THI - TLO) * c[:, 1]
xs = np.random.randn(NF // 4) * 0.1
ts = np.random.rand(NF // 4) * (THI - TLO) + TLO
c = np.vstack([c, np.c_[np.clip(xs, XLO, XHI), ts]])
xtf = torch.from_numpy(c).float()
print("collocation", xtf.shape, "ic", xt0.shape, "bc", xtb.shape)

net = MLP([2, 32, 32, 32, 1])
opt = torch.optim.Adam(net.parameters(), lr=2e-3)

hist = []
for it in range(250):
    r = residual(net, xtf)
    l_f = (r ** 2).mean()
    l_0 = ((net(xt0) - u0) ** 2).mean()
    l_b = (net(xtb) ** 2).mean()
    loss = l_f + 10.0 * (l_0 + l_b)
    opt.zero_grad()
    loss.backward()
    opt.step()
    hist.append([l_f.item(), l_0.item(), l_b.item()])
    if it % 50 == 0:
        print(f"{it:5d}  pde {l_f.item():.3e}  ic {l_0.item():.3e}  bc {l_b.item():.3e}")

# quick look at the solution at t = 0.5
xe = torch.linspace(XLO, XHI, 201)[:, None]
with torch.no_grad():
    ue = net(torch.cat([xe, torch.full_like(xe, 0.5)], 1)).squeeze().numpy()
i0 = np.argmin(np.abs(xe.squeeze().numpy()))
print("u(0,0.5) =", ue[i0], " max|u| =", np.abs(ue).max())
print("final losses", np.array(hist[-1]))
