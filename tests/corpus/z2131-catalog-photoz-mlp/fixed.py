"""Photometric-redshift regression from a ugriz photometric catalog.

The catalog mimics a FITS binary table (single-precision columns). Magnitudes are
corrected for Galactic extinction, turned into colours, standardised, and an MLP is
trained against spectroscopic redshifts. Reports sigma_NMAD and outlier fraction.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

FILTERS = ["u", "g", "r", "i", "z"]
# A_lambda / E(B-V) for SDSS filters (Schlafly & Finkbeiner 2011)
EXT_COEFF = np.array([4.239, 3.303, 2.285, 1.698, 1.263])
MAG_LIMIT_R = 22.5

rng = np.random.default_rng(2024)
torch.manual_seed(2024)


def fake_fits_catalog(n_rows):
    cols = [(f"mag_{f}", "f4") for f in FILTERS] + [(f"magerr_{f}", "f4") for f in FILTERS]
    cols += [("ebv_sfd", "f4"), ("r50_arcsec", "f4"), ("z_spec", "f4")]
    cat = np.zeros(n_rows, dtype=cols)
    z = rng.gamma(2.0, 0.2, size=n_rows).clip(0.01, 1.5)
    m_r = rng.uniform(17.0, MAG_LIMIT_R, size=n_rows)
    slopes = np.array([3.2, 2.1, 0.0, -0.6, -0.9])
    breaks = np.array([1.6, 1.0, 0.0, -0.3, -0.5])
    ebv = rng.exponential(0.04, size=n_rows)
    for k, f in enumerate(FILTERS):
        intrinsic = m_r + breaks[k] + slopes[k] * np.tanh(2 * z) * 0.5
        err = 0.01 + 0.03 * 10 ** (0.4 * (intrinsic - MAG_LIMIT_R)) * (3 if f == "u" else 1)
        cat[f"mag_{f}"] = intrinsic + EXT_COEFF[k] * ebv + rng.normal(0, err)
        cat[f"magerr_{f}"] = err
    cat["ebv_sfd"] = ebv
    cat["r50_arcsec"] = np.clip(2.5 / (1 + 3 * z) + rng.normal(0, 0.2, n_rows), 0.3, None)
    cat["z_spec"] = z
    return cat


def build_features(cat):
    mags = np.column_stack([cat[f"mag_{f}"] for f in FILTERS])
    errs = np.column_stack([cat[f"magerr_{f}"] for f in FILTERS])
    dered = mags - cat["ebv_sfd"][:, None] * EXT_COEFF[None, :]
    colours = dered[:, :-1] - dered[:, 1:]
    size_term = np.log10(cat["r50_arcsec"])[:, None]
    return np.hstack([colours, dered[:, 2:3], errs, size_term]).astype(np.float32)


class Standardiser:
    def fit(self, x):
        self.mu = x.mean(axis=0)
        self.sd = x.std(axis=0) + 1e-6
        return self

    def transform(self, x):
        return (x - self.mu) / self.sd


class PhotoZNet(nn.Module):
    def __init__(self, n_in, hidden=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_in, hidden), nn.SiLU(),
            nn.Linear(hidden, hidden), nn.SiLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, feats):
        return nn.functional.softplus(self.body(feats)).squeeze(-1)


def photoz_metrics(z_phot, z_true):
    dz = (z_phot - z_true) / (1 + z_true)
    nmad = 1.4826 * np.median(np.abs(dz - np.median(dz)))
    outliers = np.mean(np.abs(dz) > 0.15)
    return nmad, outliers


def main():
    cat = fake_fits_catalog(3000)
    feats = build_features(cat)
    z_spec = cat["z_spec"]
    idx = rng.permutation(len(cat))
    tr, va = idx[:2400], idx[2400:]
    scaler = Standardiser().fit(feats[tr])
    x_tr, x_va = scaler.transform(feats[tr]), scaler.transform(feats[va])
    print(f"{feats.shape[1]} features per galaxy, {len(tr)} train / {len(va)} validation")

    train_dl = DataLoader(TensorDataset(torch.from_numpy(x_tr), torch.from_numpy(z_spec[tr])),
                          batch_size=128, shuffle=True)
    net = PhotoZNet(n_in=feats.shape[1])
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=15)
    loss_fn = nn.HuberLoss(delta=0.1)

    for epoch in range(15):
        net.train()
        for xb, zb in train_dl:
            loss = loss_fn(net(xb), zb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        if epoch % 5 == 4:
            net.eval()
            with torch.no_grad():
                z_phot = net(torch.from_numpy(x_va)).numpy()
            nmad, eta = photoz_metrics(z_phot, z_spec[va])
            print(f"epoch {epoch + 1:2d}  loss {loss.item():.4f}  sigma_NMAD {nmad:.4f}  outliers {eta:.3f}")


if __name__ == "__main__":
    main()
