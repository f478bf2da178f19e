"""Regress stellar effective temperature from low-resolution spectra with a
1-D CNN and masked attention pooling over the good pixels."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

NPIX = 400

SPEC_DTYPE = np.dtype([
    ("obj_id", "U12"),
    ("teff", "f4"),
    ("npix", "i2"),
    ("wave", "f4", (NPIX,)),
    ("flux", "f4", (NPIX,)),
    ("ivar", "f4", (NPIX,)),
    ("valid", "u1", (NPIX,)),
])

LINES_A = np.array([4102.0, 4340.5, 4861.3, 5175.0, 5892.9, 6562.8])


@dataclass
class Config:
    n_spec: int
    hidden: int
    kernel: int
    batch_size: int
    steps: int
    lr: float
    seed: int


def parse_config():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-spec", type=int, default=160)
    ap.add_argument("--hidden", type=int, default=24)
    ap.add_argument("--kernel", type=int, default=7)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=3)
    ns = ap.parse_args([])
    return Config(**vars(ns))


def synth_spectra(cfg, rng):
    tab = np.zeros(cfg.n_spec, dtype=SPEC_DTYPE)
    tab["obj_id"] = [f"J{rng.integers(0, 10**8):08d}" for _ in range(cfg.n_spec)]
    tab["teff"] = rng.uniform(3800.0, 9500.0, size=cfg.n_spec)
    tab["npix"] = rng.integers(280, NPIX + 1, size=cfg.n_spec)
    for rec in tab:
        n = rec["npix"]
        wave = np.linspace(3900.0, 7000.0, n)
        x = 1.4388e8 / (wave * rec["teff"])
        cont = 1.0 / (wave ** 5 * np.expm1(x))
        cont /= cont.max()
        depth = 0.3 * np.exp(-((rec["teff"] - 6000.0) / 2500.0) ** 2) + 0.1
        for lam in LINES_A:
            cont *= 1.0 - depth * np.exp(-0.5 * ((wave - lam) / 6.0) ** 2)
        noise = rng.normal(0.0, 0.02, size=n)
        rec["wave"][:n] = wave
        rec["flux"][:n] = cont + noise
        rec["ivar"][:n] = 1.0 / 0.02 ** 2
        rec["valid"][:n] = 1
        bad = rng.random(n) < 0.03
        rec["valid"][:n][bad] = 0
        rec["ivar"][:n][bad] = 0.0
    return tab


def batches(tab, batch_size, rng, teff_mu, teff_sd):
    while True:
        idx = rng.choice(len(tab), size=batch_size, replace=False)
        rows = tab[idx]
        flux = rows["flux"].copy()
        flux *= np.sqrt(rows["ivar"]) > 0
        yield {
            "flux": torch.from_numpy(flux).unsqueeze(1),
            "valid": torch.from_numpy(rows["valid"]),
            "teff": torch.from_numpy((rows["teff"] - teff_mu) / teff_sd),
        }


class SpecCNN(nn.Module):
    def __init__(self, hidden, kernel):
        super().__init__()
        pad = kernel // 2
        self.conv = nn.Sequential(
            nn.Conv1d(1, hidden, kernel, padding=pad), nn.GELU(),
            nn.Conv1d(hidden, hidden, kernel, padding=pad), nn.GELU(),
            nn.Conv1d(hidden, hidden, kernel, padding=pad), nn.GELU(),
        )
        self.score = nn.Conv1d(hidden, 1, 1)
        self.out = nn.Linear(hidden, 1)

    def forward(self, flux, valid):
        h = self.conv(flux)
        s = self.score(h).squeeze(1)
        s = s.masked_fill(~valid, float("-inf"))
        w = torch.softmax(s, dim=-1).unsqueeze(1)
        pooled = (h * w).sum(-1)
        return self.out(pooled).squeeze(-1)


def train(cfg):
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    tab = synth_spectra(cfg, rng)
    mu, sd = tab["teff"].mean(), tab["teff"].std()
    print(f"{len(tab)} spectra, Teff {tab['teff'].min():.0f}-{tab['teff'].max():.0f} K")

    model = SpecCNN(cfg.hidden, cfg.kernel)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    stream = batches(tab, cfg.batch_size, rng, mu, sd)
    for step in range(cfg.steps):
        b = next(stream)
        pred = model(b["flux"], b["valid"])
        loss = F.smooth_l1_loss(pred, b["teff"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            rmse = loss.detach().sqrt().item() * sd
            print(f"step {step:3d}  loss {loss.item():.4f}  ~{rmse:.0f} K")
    return model


if __name__ == "__main__":
    train(parse_config())
