# Gap-filling of daily SST at moored buoys with a set transformer over stations.
# Each day is a sequence of station tokens (lat, lon, depth, sst); dropped-out
# buoys are padded out of attention, a random subset of live ones is hidden and
# reconstructed.
import os
import tempfile
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
rng = np.random.default_rng(3)

wd = tempfile.mkdtemp()
nsta_all, nday = 37, 60


def write_network(path):
    lat = rng.uniform(-10, 60, nsta_all)
    lon = rng.uniform(-80, 0, nsta_all)
    dep = rng.uniform(200, 5000, nsta_all)
    t = np.arange(nday)
    clim = 28.0 - 0.35 * np.abs(lat)[None, :]
    seas = 2.5 * np.sin(2 * np.pi * (t[:, None] - 80) / 365.25) * np.sign(lat)[None, :]
    obs = clim + seas + 0.3 * rng.normal(size=(nday, nsta_all))
    drop = rng.random((nday, nsta_all)) < 0.12
    obs[drop] = np.nan
    np.savez(path, lat=lat, lon=lon, dep=dep, obs=obs)


def load_network(path):
    d = np.load(path)
    return d["obs"], np.stack([d["lat"], d["lon"], d["dep"]], axis=1)


fn = os.path.join(wd, "buoys.npz")
write_network(fn)
obs, meta = load_network(fn)

# restrict to North Atlantic box
keep = (meta[:, 0] > 0.0) & (meta[:, 0] < 60.0) & (meta[:, 1] > -80.0) & (meta[:, 1] < -5.0)
sst = obs[:, keep]
sta = meta[keep]
nsta = sta.shape[0]
print(f"{nsta} of {nsta_all} buoys in box, {nday} days")

valid = ~np.isnan(obs)
s_mu, s_sd = np.nanmean(sst), np.nanstd(sst)
sst_n = ((sst - s_mu) / s_sd).astype(np.float32)
geo = np.stack([
    np.sin(np.deg2rad(sta[:, 0])),
    np.cos(np.deg2rad(sta[:, 0])) * np.sin(np.deg2rad(sta[:, 1])),
    np.cos(np.deg2rad(sta[:, 0])) * np.cos(np.deg2rad(sta[:, 1])),
    (sta[:, 2] - sta[:, 2].mean()) / sta[:, 2].std(),
], axis=1).astype(np.float32)


class StationSet(nn.Module):
    def __init__(self, dm=32, nh=4, nl=2):
        super().__init__()
        self.geo_in = nn.Linear(4, dm)
        self.val_in = nn.Linear(2, dm)
        lay = nn.TransformerEncoderLayer(dm, nh, 2 * dm, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(lay, nl)
        self.out = nn.Linear(dm, 1)

    def forward(self, g, v, hid, pad):
        # g: (B,S,4) geometry, v: (B,S) sst, hid: (B,S) hidden flag, pad: (B,S) missing
        vv = torch.where(hid | torch.isnan(v), torch.zeros_like(v), v)
        z = self.geo_in(g) + self.val_in(torch.stack([vv, hid.float()], dim=-1))
        z = self.enc(z, src_key_padding_mask=pad)
        return self.out(z).squeeze(-1)


G = torch.from_numpy(geo)
S = torch.from_numpy(sst_n)
V = torch.from_numpy(valid)
ntr = 40

mdl = StationSet()
opt = torch.optim.Adam(mdl.parameters(), lr=1e-3)
mdl.train()
for ep in range(1):
    days = torch.randperm(ntr)
    tot = 0.0
    for j in range(0, ntr, 20):
        dd = days[j:j + 20]
        v = S[dd]
        ok = V[dd]
        pad = ~ok
        hid = (torch.rand(v.shape) < 0.2) & torch.isfinite(v)
        pred = mdl(G.expand(len(dd), -1, -1), v, hid, pad)
        loss = ((pred - v)[hid] ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item()
    if ep % 5 == 0:
        print(f"ep {ep:2d}  masked mse {tot / (ntr // 20):.4f}")

mdl.eval()
with torch.no_grad():
    dd = torch.arange(ntr, nday)
    v, ok = S[dd], V[dd]
    hid = (torch.rand(v.shape) < 0.2) & torch.isfinite(v)
    pred = mdl(G.expand(len(dd), -1, -1), v, hid, ~ok)
    rmse = torch.sqrt(((pred - v)[hid] ** 2).mean()) * s_sd
print(f"held-out gap-fill rmse: {rmse.item():.3f} degC")
