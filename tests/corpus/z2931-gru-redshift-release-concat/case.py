"""Photometric-style redshift regression from continuum-normalised, binned galaxy spectra with a GRU."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

REST_LINES = np.array([3727.1, 4861.3, 4958.9, 5006.8, 6562.8, 6583.4])
GRID = np.linspace(3600.0, 10000.0, 2048)

FIELD_TYPES = {
    "specobjid": ("i8",),
    "ra": ("f8",),
    "dec": ("f8",),
    "z": ("f4",),
    "snr": ("f4",),
    "flux": ("f4", (GRID.size,)),
    "ivar": ("f4", (GRID.size,)),
}

RELEASES = {
    "dr16": {"columns": ["specobjid", "ra", "dec", "z", "snr", "flux", "ivar"], "frac": 0.6},
    "dr17": {"columns": ["specobjid", "ra", "dec", "flux", "ivar", "z", "snr"], "frac": 0.4},
}


class Spectrum:
    __slots__ = ("wave", "flux", "ivar", "z", "continuum")

    def __init__(self, wave, flux, ivar, z):
        self.wave = wave
        self.flux = flux
        self.ivar = ivar
        self.z = z

    def normalise(self, order=3):
        good = self.ivar > 0
        x = (self.wave - self.wave.mean()) / self.wave.std()
        coef = np.polynomial.polynomial.polyfit(x[good], self.flux[good], order, w=np.sqrt(self.ivar[good]))
        self.continuum = np.polynomial.polynomial.polyval(x, coef)
        self.flux /= self.continuum
        self.ivar *= self.continuum ** 2
        return self

    def binned(self, nbin):
        f = self.flux.reshape(nbin, -1)
        w = self.ivar.reshape(nbin, -1)
        return (f * w).sum(1) / np.maximum(w.sum(1), 1e-8)


def options():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-gal", type=int, default=128)
    ap.add_argument("--nbin", type=int, default=128)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--zmax", type=float, default=0.5)
    return ap.parse_args([])


def load_release(name, n, zmax, rng):
    cols = RELEASES[name]["columns"]
    dt = np.dtype([(c, *FIELD_TYPES[c]) for c in cols])
    rel = np.zeros(n, dtype=dt)
    rel["specobjid"] = rng.integers(1 << 40, 1 << 50, n)
    rel["ra"] = rng.uniform(0, 360, n)
    rel["dec"] = rng.uniform(-10, 70, n)
    rel["z"] = rng.uniform(0.01, zmax, n)
    rel["snr"] = rng.uniform(5, 40, n)
    for row in rel:
        cont = 1.0 + 0.4 * (GRID / 6000.0) ** -1.5
        cont[GRID > 4000 * (1 + row["z"])] *= 1.4
        lines = sum(rng.uniform(0.5, 3.0) * np.exp(-0.5 * ((GRID - l * (1 + row["z"])) / 4.0) ** 2)
                    for l in REST_LINES)
        sigma = cont / row["snr"]
        row["flux"] = cont + lines + rng.normal(0, 1, GRID.size) * sigma
        ivar = 1.0 / sigma ** 2
        ivar[rng.random(GRID.size) < 0.01] = 0.0
        row["ivar"] = ivar
    return rel


def simulate(n, zmax, rng):
    parts = [load_release(name, int(round(n * info["frac"])), zmax, rng) for name, info in RELEASES.items()]
    meta = np.concatenate(parts)
    meta = meta[np.argsort(meta["specobjid"])]
    spectra = [Spectrum(GRID.copy(), row["flux"].astype(np.float64), row["ivar"].astype(np.float64), float(row["z"]))
               for row in meta]
    return meta, spectra


class BinnedSpectra(Dataset):
    def __init__(self, spectra, nbin, zmax):
        self.spectra = spectra
        self.nbin = nbin
        self.zmax = zmax

    def __len__(self):
        return len(self.spectra)

    def __getitem__(self, i):
        s = self.spectra[i].normalise()
        tokens = s.binned(self.nbin) - 1.0
        return torch.tensor(tokens, dtype=torch.float32)[:, None], torch.tensor(s.z / self.zmax, dtype=torch.float32)


class ZNet(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.embed = nn.Linear(1, hidden)
        self.gru = nn.GRU(hidden, hidden, num_layers=2, batch_first=True)
        self.out = nn.Sequential(nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, 1))

    def forward(self, x):
        _, h = self.gru(self.embed(x))
        return torch.sigmoid(self.out(h[-1])).squeeze(-1)


def train(model, loader, epochs, zmax):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for ep in range(epochs):
        errs = []
        for xb, zb in loader:
            pred = model(xb)
            loss = nn.functional.smooth_l1_loss(pred, zb, beta=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            errs.append(((pred - zb).abs() * zmax).detach())
        dz = torch.cat(errs)
        print(f"epoch {ep}: median |dz| = {dz.median():.4f}")


def main():
    args = options()
    rng = np.random.default_rng(314)
    torch.manual_seed(314)
    meta, spectra = simulate(args.n_gal, args.zmax, rng)
    print(f"simulated {len(meta)} galaxies, median S/N {np.median(meta['snr']):.1f}")
    ds = BinnedSpectra(spectra, args.nbin, args.zmax)
    loader = DataLoader(ds, batch_size=args.batch_size, shuffle=True)
    model = ZNet(args.hidden)
    train(model, loader, args.epochs, args.zmax)


if __name__ == "__main__":
    main()
