# Patch-transformer surrogate for 6h forecast of surface fields on a coarse lat-lon grid.
# Synthetic "reanalysis" so the pipeline can be smoke-tested without the archive.
import numpy as np
import torch
import torch.nn as nn

np.random.seed(3)
torch.manual_seed(3)

VARS = ["t2m", "u10", "v10", "msl"]
LEVS = [1000, 850]            # pressure levels stacked as extra channels
NLAT, NLON = 32, 64
P = 4                         # patch size
D = 96
NT = 9                       # time steps in the synthetic archive


def synth_archive(nt, nlat, nlon):
    lat = np.linspace(-87.5, 87.5, nlat)
    lon = np.linspace(0, 360, nlon, endpoint=False)
    LA, LO = np.meshgrid(np.deg2rad(lat), np.deg2rad(lon), indexing="ij")
    t = np.arange(nt)[:, None, None, None]
    k = np.arange(len(VARS) * len(LEVS))[None, :, None, None]
    base = np.cos(LA)[None, None] * np.sin(LO[None, None] + 0.3 * k - 0.1 * t)
    x = base + 0.05 * np.random.randn(nt, len(VARS) * len(LEVS), nlat, nlon)
    return x.astype(np.float32), LA, LO


def static_fields(LA, LO):
    oro = np.exp(-((LA - 0.5) ** 2 + (LO - 2.0) ** 2) / 0.1)
    lsm = (np.sin(3 * LO) * np.cos(2 * LA) > 0.2).astype(np.float64)
    return np.stack([oro, lsm, np.sin(LA), np.cos(LA)], 0).astype(np.float32)


def normalise(x):
    mu = x.mean(axis=(0, 2, 3), keepdims=True)
    sd = x.std(axis=(0, 2, 3), keepdims=True) + 1e-6
    return (x - mu) / sd, mu, sd


def add_static(x, stat):
    s = np.broadcast_to(stat[None], (x.shape[0],) + stat.shape)
    return np.concatenate([x, s], axis=1)


class PatchSurrogate(nn.Module):
    def __init__(self, c_in, c_out, p, d, nlat, nlon):
        super().__init__()
        self.p, self.c_out = p, c_out
        self.nh, self.nw = nlat // p, nlon // p
        self.emb = nn.Linear(c_in * p * p, d)
        self.pos = nn.Parameter(torch.zeros(1, self.nh * self.nw, d))
        lay = nn.TransformerEncoderLayer(d, 4, 2 * d, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(lay, 2)
        self.head = nn.Linear(d, c_out * p * p)

    def patchify(self, x):
        b, c, h, w = x.shape
        p = self.p
        x = x.reshape(b, c, h // p, p, w // p, p).permute(0, 2, 4, 1, 3, 5)
        return x.reshape(b, (h // p) * (w // p), c * p * p)

    def unpatchify(self, z):
        b = z.shape[0]
        p = self.p
        z = z.reshape(b, self.nh, self.nw, self.c_out, p, p).permute(0, 3, 1, 4, 2, 5)
        return z.reshape(b, self.c_out, self.nh * p, self.nw * p)

    def forward(self, x):
        z = self.emb(self.patchify(x)) + self.pos
        z = self.enc(z)
        return self.unpatchify(self.head(z))


raw, LA, LO = synth_archive(NT, NLAT, NLON)
xn, mu, sd = normalise(raw)
stat = static_fields(LA, LO)

nc = xn.shape[1]
X = add_static(xn[:-1], stat)
Y = xn[1:] - xn[:-1]          # learn the tendency
print("X", X.shape, "Y", Y.shape)

net = PatchSurrogate(nc, nc, P, D, NLAT, NLON)
opt = torch.optim.AdamW(net.parameters(), lr=3e-4, weight_decay=1e-4)

Xt = torch.from_numpy(np.ascontiguousarray(X))
Yt = torch.from_numpy(np.ascontiguousarray(Y))
bs = 8
for ep in range(1):
    perm = torch.randperm(Xt.shape[0])
    tot = 0.0
    for i in range(0, len(perm), bs):
        j = perm[i:i + bs]
        pred = net(Xt[j])
        loss = ((pred - Yt[j]) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(j)
    print(f"ep {ep}  mse {tot / len(perm):.4f}")

# autoregressive rollout from the last analysis
net.eval()
state = xn[-1:].copy()
with torch.no_grad():
    for k in range(1):
        inp = torch.from_numpy(add_static(state, stat))
        state = state + net(inp).numpy()
fc = state * sd + mu
print("rollout t2m range", fc[0, 0].min(), fc[0, 0].max())
