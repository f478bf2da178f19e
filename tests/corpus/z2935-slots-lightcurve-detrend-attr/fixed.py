"""Transit vetting on Kepler-like long-cadence photometry.

Light curves are cleaned with the quality flags, flattened with a running
median, binned into fixed-length views and classified by a small 1-D CNN
(planet transit injected vs. quiet star).
"""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

CADENCE_DAYS = 0.0204
RAW_DTYPE = np.dtype([
    ("time", "f8"),
    ("sap_flux", "f4"),
    ("sap_flux_err", "f4"),
    ("quality", "u4"),
])


def options():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-stars", type=int, default=80)
    ap.add_argument("--baseline", type=float, default=30.0)
    ap.add_argument("--window", type=int, default=49)
    ap.add_argument("--n-bins", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=3)
    return ap.parse_args([])


class LightCurve:
    __slots__ = ("kic", "time", "flux", "flux_err", "quality", "trend")

    def __init__(self, kic, raw):
        self.kic = kic
        self.time = raw["time"].copy()
        self.flux = raw["sap_flux"].astype(np.float64)
        self.flux_err = raw["sap_flux_err"].astype(np.float64)
        self.quality = raw["quality"].copy()

    def remove_flagged(self):
        good = (self.quality == 0) & np.isfinite(self.flux)
        self.time = self.time[good]
        self.flux = self.flux[good]
        self.flux_err = self.flux_err[good]
        self.quality = self.quality[good]
        return self

    def flatten(self, window):
        half = window // 2
        padded = np.pad(self.flux, half, mode="reflect")
        view = np.lib.stride_tricks.sliding_window_view(padded, window)
        self.trend = np.median(view, axis=1)
        self.flux /= self.trend
        self.flux_err /= self.trend
        self.flux -= 1.0
        return self

    def binned(self, n_bins):
        edges = np.linspace(self.time[0], self.time[-1], n_bins + 1)
        idx = np.clip(np.searchsorted(edges, self.time, side="right") - 1, 0, n_bins - 1)
        s = np.bincount(idx, weights=self.flux, minlength=n_bins)
        c = np.bincount(idx, minlength=n_bins)
        out = s / np.maximum(c, 1)
        out /= np.std(out) + 1e-9
        return out.astype(np.float32)


def simulate_star(kic, baseline, has_planet, rng):
    n = int(baseline / CADENCE_DAYS)
    raw = np.zeros(n, dtype=RAW_DTYPE)
    raw["time"] = 131.5 + np.arange(n) * CADENCE_DAYS
    t = raw["time"] - raw["time"][0]
    flux = 1e5 * (1 + 0.004 * np.sin(2 * np.pi * t / rng.uniform(8, 25)) + 0.001 * t / baseline)
    if has_planet:
        period = rng.uniform(2.0, 7.0)
        t0 = rng.uniform(0, period)
        depth = rng.uniform(0.002, 0.008)
        in_transit = np.abs(((t - t0 + 0.5 * period) % period) - 0.5 * period) < 0.08
        flux[in_transit] *= 1 - depth
    flux += rng.normal(0, 60.0, n)
    raw["sap_flux"] = flux
    raw["sap_flux_err"] = 60.0
    raw["quality"] = np.where(rng.random(n) < 0.02, 128, 0)
    return LightCurve(kic, raw)


def transit_cnn(n_bins):
    return nn.Sequential(
        nn.Conv1d(1, 8, kernel_size=7, padding=3), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(8, 16, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool1d(2),
        nn.Flatten(), nn.Linear(16 * (n_bins // 4), 32), nn.ReLU(), nn.Linear(32, 1),
    )


def main():
    opt_ = options()
    rng = np.random.default_rng(2935)
    torch.manual_seed(2935)

    labels = rng.random(opt_.n_stars) < 0.5
    curves = [simulate_star(10_000_000 + i, opt_.baseline, lab, rng) for i, lab in enumerate(labels)]
    curves = [lc.remove_flagged() for lc in curves]
    print(f"{len(curves)} stars, median {np.median([lc.time.size for lc in curves]):.0f} good cadences")

    views = np.stack([lc.flatten(opt_.window).binned(opt_.n_bins) for lc in curves])
    x = torch.from_numpy(views)[:, None, :]
    y = torch.from_numpy(labels.astype(np.float32))

    n_tr = int(0.8 * len(curves))
    loader = DataLoader(TensorDataset(x[:n_tr], y[:n_tr]), batch_size=16, shuffle=True)
    model = transit_cnn(opt_.n_bins)
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    crit = nn.BCEWithLogitsLoss()

    for epoch in range(opt_.epochs):
        tot = 0.0
        for xb, yb in loader:
            loss = crit(model(xb).squeeze(-1), yb)
            optim.zero_grad()
            loss.backward()
            optim.step()
            tot += loss.item() * len(yb)
        with torch.no_grad():
            val = ((model(x[n_tr:]).squeeze(-1) > 0).float() == y[n_tr:]).float().mean()
        print(f"epoch {epoch}: train loss {tot / n_tr:.4f}  val acc {val:.3f}")


if __name__ == "__main__":
    main()
