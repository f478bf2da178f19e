"""Photometric-redshift regression from a broad-band photometry catalogue.

Reads a CSV of ugriz magnitudes (+ errors) with spectroscopic redshifts, builds colour
features, and fits a small MLP with a Gaussian negative log-likelihood head.
"""
import csv
import os
import tempfile
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(2024)
torch.manual_seed(2024)
FILTERS = ["u", "g", "r", "i", "z"]
LIMITING_MAG = {"u": 22.0, "g": 22.2, "r": 22.2, "i": 21.3, "z": 20.5}


def fake_catalogue(path, n_obj):
    zspec = rng.gamma(2.0, 0.12, n_obj).clip(0.01, 1.2)
    r_mag = rng.uniform(16.5, 21.0, n_obj)
    slopes = {"u": 2.4, "g": 1.3, "r": 0.0, "i": -0.6, "z": -0.9}
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["objid", "ra", "dec"] + [f"mag_{f}" for f in FILTERS] + [f"err_{f}" for f in FILTERS] + ["zspec"])
        for k in range(n_obj):
            mags = [r_mag[k] + slopes[f] * zspec[k] + rng.normal(0, 0.08) for f in FILTERS]
            errs = [0.02 * 10 ** (0.4 * (m - LIMITING_MAG[f]) + 1) for m, f in zip(mags, FILTERS)]
            w.writerow([f"J{k:06d}", rng.uniform(150, 160), rng.uniform(0, 5)] + mags + errs + [zspec[k]])


def read_catalogue(path):
    cat = np.genfromtxt(path, delimiter=",", names=True, dtype=None, encoding="utf-8")
    good = np.ones(len(cat), dtype=bool)
    for f in FILTERS:
        good &= (cat[f"mag_{f}"] < LIMITING_MAG[f] + 1.0) & (cat[f"err_{f}"] < 0.3)
    return cat[good]


def colour_features(cat):
    mags = np.column_stack([cat[f"mag_{f}"] for f in FILTERS])
    colours = mags[:, :-1] - mags[:, 1:]
    return np.column_stack([colours, cat["mag_r"]])


class PhotoZNet(nn.Module):
    def __init__(self, n_in, width=64):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(n_in, width), nn.SiLU(), nn.Linear(width, width), nn.SiLU())
        self.mu = nn.Linear(width, 1)
        self.log_var = nn.Linear(width, 1)

    def forward(self, x):
        h = self.trunk(x)
        return self.mu(h).squeeze(-1), self.log_var(h).squeeze(-1).clamp(-10, 3)


with tempfile.TemporaryDirectory() as tmp:
    cat_path = os.path.join(tmp, "stripe82_specz.csv")
    fake_catalogue(cat_path, 3000)
    cat = read_catalogue(cat_path)
print(f"{len(cat)} galaxies pass the photometric quality cuts")

phot = torch.tensor(colour_features(cat), dtype=torch.float32)
zspec = torch.from_numpy(cat["zspec"].astype(np.float32))
split = int(0.8 * len(phot))
feat_mean = phot[:split].mean(0)
feat_std = phot[:split].std(0)
phot = (phot - feat_mean) / feat_std

net = PhotoZNet(n_in=phot.shape[1])
opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-5)
gnll = nn.GaussianNLLLoss()

for epoch in range(15):
    net.train()
    perm = torch.randperm(split)
    for s in range(0, split, 128):
        idx = perm[s : s + 128]
        mu, log_var = net(phot[idx])
        loss = gnll(mu, zspec[idx], log_var.exp())
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 5 == 4:
        net.eval()
        with torch.no_grad():
            mu_va, _ = net(phot[split:])
        dz = (mu_va - zspec[split:]) / (1 + zspec[split:])
        sigma_nmad = 1.4826 * (dz - dz.median()).abs().median().item()
        outliers = (dz.abs() > 0.15).float().mean().item()
        print(f"epoch {epoch + 1}: loss {loss.item():.3f}  sigma_NMAD {sigma_nmad:.4f}  outliers {outliers:.3f}")
