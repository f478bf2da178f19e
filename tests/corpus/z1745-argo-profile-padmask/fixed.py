# Transformer over Argo-like T/S profiles -> dissolved O2 at each depth level.
# Profiles have a variable number of levels (floats surface at different depths / drop levels).
import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(11)
torch.manual_seed(11)

NZMAX = 72            # deepest profile the float firmware can report
NPROF = 96
DM = 48


def make_profiles(n):
    out = []
    for _ in range(n):
        nz = rng.integers(20, 60)
        z = np.sort(rng.uniform(5, 2000, nz))
        mld = rng.uniform(20, 120)
        T = 4 + 18 / (1 + np.exp((z - mld) / 40)) + 0.1 * rng.standard_normal(nz)
        S = 34.5 + 0.4 * np.tanh((z - 300) / 200) + 0.02 * rng.standard_normal(nz)
        O2 = 250 - 180 * np.exp(-((z - 700) / 300) ** 2) + 0.5 * (T - 10) ** 2
        lat = rng.uniform(-60, 60)
        out.append(dict(z=z, T=T, S=S, O2=O2, lat=lat))
    return out


def feats(p):
    zn = np.log1p(p["z"]) / np.log1p(2000)
    return np.stack([zn, (p["T"] - 10) / 6, (p["S"] - 34.7) / 0.3,
                     np.full_like(zn, np.sin(np.deg2rad(p["lat"])))], -1)


def pad_stack(arrs, nz):
    nf = arrs[0].shape[-1] if arrs[0].ndim > 1 else None
    shp = (len(arrs), nz) + ((nf,) if nf else ())
    buf = np.zeros(shp, dtype=np.float32)
    for i, a in enumerate(arrs):
        buf[i, :len(a)] = a
    return buf


def level_mask(lens, nz):
    lens = np.asarray(lens)
    return np.arange(nz)[None, :] >= lens[:, None]    # True = padded level


class ProfileNet(nn.Module):
    def __init__(self, nf, dm):
        super().__init__()
        self.inp = nn.Linear(nf, dm)
        L = nn.TransformerEncoderLayer(dm, 4, 4 * dm, dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(L, 2, enable_nested_tensor=False)
        self.out = nn.Linear(dm, 1)

    def forward(self, x, pad):
        h = self.enc(self.inp(x), src_key_padding_mask=pad)
        return self.out(h).squeeze(-1)


profs = make_profiles(NPROF)
o2mu = np.mean(np.concatenate([p["O2"] for p in profs]))
o2sd = np.std(np.concatenate([p["O2"] for p in profs]))

ntr = 80
tr, te = profs[:ntr], profs[ntr:]

net = ProfileNet(4, DM)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)


def batch(ps):
    lens = [len(p["z"]) for p in ps]
    x = torch.from_numpy(pad_stack([feats(p) for p in ps], NZMAX))
    y = torch.from_numpy(pad_stack([(p["O2"] - o2mu) / o2sd for p in ps], NZMAX))
    m = torch.from_numpy(level_mask(lens, NZMAX))
    return x, y, m


bs = 16
for ep in range(1):
    idx = rng.permutation(ntr)
    ls = []
    for k in range(0, ntr, bs):
        x, y, m = batch([tr[i] for i in idx[k:k + bs]])
        yh = net(x, m)
        w = (~m).float()
        loss = (((yh - y) ** 2) * w).sum() / w.sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        ls.append(loss.item())
    print(f"epoch {ep}: {np.mean(ls):.4f}")

net.eval()
x, y, m = batch(te)
with torch.no_grad():
    yh = net(x, m)
valid = ~m
rmse = torch.sqrt((((yh - y) ** 2)[valid]).mean()).item() * o2sd
print(f"test RMSE O2: {rmse:.2f} umol/kg")
