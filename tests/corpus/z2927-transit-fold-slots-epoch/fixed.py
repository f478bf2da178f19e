"""Vet transit candidates: coarse box search for the period, phase-fold,
bin to a fixed grid and classify planet vs. eclipsing binary with a 1-D CNN."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

PHOT_DTYPE = np.dtype([("t", "f8"), ("f", "f4"), ("e", "f4")])


class Candidate:
    __slots__ = ("tic", "phot", "period", "epoch", "depth", "is_eb")

    def __init__(self, tic, phot, is_eb):
        self.tic = tic
        self.phot = phot
        self.is_eb = is_eb
        self.period = None
        self.depth = None


def options():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-cand", type=int, default=64)
    ap.add_argument("--n-points", type=int, default=900)
    ap.add_argument("--n-phase-bins", type=int, default=64)
    ap.add_argument("--pmin", type=float, default=1.0)
    ap.add_argument("--pmax", type=float, default=6.0)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--seed", type=int, default=21)
    return ap.parse_args([])


def inject(n_cand, n_points, rng):
    out = []
    for k in range(n_cand):
        phot = np.zeros(n_points, dtype=PHOT_DTYPE)
        phot["t"] = np.sort(rng.uniform(0.0, 27.0, n_points))
        phot["e"] = 1e-3
        phot["f"] = 1.0 + rng.normal(0.0, 1e-3, n_points)
        per = rng.uniform(1.2, 5.5)
        t0 = rng.uniform(0.0, per)
        is_eb = bool(rng.random() < 0.5)
        ph = ((phot["t"] - t0) / per + 0.5) % 1.0 - 0.5
        phot["f"][np.abs(ph) < 0.02] -= 0.01
        if is_eb:
            phot["f"][np.abs(np.abs(ph) - 0.5) < 0.02] -= 0.004
        out.append(Candidate(f"TIC{rng.integers(1e7, 1e9)}", phot, is_eb))
    return out


def box_search(cand, periods, width=0.03):
    t, f = cand.phot["t"], cand.phot["f"]
    best = (-np.inf, None, None)
    for p in periods:
        phase = (t / p) % 1.0
        nb = int(1.0 / width)
        idx = (phase * nb).astype(int)
        sums = np.bincount(idx, weights=f, minlength=nb)
        cnts = np.bincount(idx, minlength=nb)
        means = sums / np.maximum(cnts, 1)
        means[cnts == 0] = 1.0
        j = int(np.argmin(means))
        snr = (1.0 - means[j]) * np.sqrt(cnts[j])
        if snr > best[0]:
            best = (snr, p, (j + 0.5) / nb)
    _, cand.period, phase0 = best
    cand.epoch = phase0 * cand.period
    cand.depth = 1.0 - cand.phot["f"].min()
    return cand


def folded_view(cand, n_bins):
    phase = ((cand.phot["t"] - cand.epoch) / cand.period + 0.25) % 1.0
    idx = np.minimum((phase * n_bins).astype(int), n_bins - 1)
    flux = np.bincount(idx, weights=cand.phot["f"], minlength=n_bins)
    flux /= np.maximum(np.bincount(idx, minlength=n_bins), 1)
    flux -= np.median(flux)
    flux /= max(cand.depth, 1e-4)
    return flux.astype(np.float32)


class FoldedSet(Dataset):
    def __init__(self, cands, n_bins):
        self.x = np.stack([folded_view(c, n_bins) for c in cands])[:, None, :]
        self.y = np.array([c.is_eb for c in cands], dtype=np.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return torch.from_numpy(self.x[i]), torch.tensor(self.y[i])


def make_net(n_bins):
    return nn.Sequential(
        nn.Conv1d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(8, 16, 5, padding=2), nn.ReLU(), nn.MaxPool1d(2),
        nn.Flatten(), nn.Linear(16 * (n_bins // 4), 1),
    )


def main():
    opt = options()
    rng = np.random.default_rng(opt.seed)
    torch.manual_seed(opt.seed)

    periods = np.linspace(opt.pmin, opt.pmax, 400)
    cands = [box_search(c, periods) for c in inject(opt.n_cand, opt.n_points, rng)]
    ds = FoldedSet(cands, opt.n_phase_bins)
    dl = DataLoader(ds, batch_size=16, shuffle=True)

    net = make_net(opt.n_phase_bins)
    optim = torch.optim.Adam(net.parameters(), lr=1e-3)
    lossf = nn.BCEWithLogitsLoss()
    for ep in range(opt.epochs):
        tot = 0.0
        for xb, yb in dl:
            loss = lossf(net(xb).squeeze(-1), yb)
            optim.zero_grad()
            loss.backward()
            optim.step()
            tot += loss.item() * len(yb)
        print(f"epoch {ep}: bce {tot / len(ds):.4f}")


if __name__ == "__main__":
    main()
