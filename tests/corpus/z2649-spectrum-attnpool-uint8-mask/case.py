"""Spectral classification (STAR / GALAXY / QSO) from variable-coverage 1D spectra.

Spectra come from two spectrograph setups with different wavelength coverage,
so they are resampled on a common log-lambda grid and zero-padded where the
instrument has no coverage. A conv encoder + attention pooling classifies them.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, IterableDataset

CLASSES = ["STAR", "GALAXY", "QSO"]
LINES_AA = {"Halpha": 6563.0, "Hbeta": 4861.0, "OIII": 5007.0, "MgII": 2798.0, "CIV": 1549.0}


@dataclass
class GridConfig:
    loglam_min: float = np.log10(3600.0)
    loglam_max: float = np.log10(9000.0)
    n_pix: int = 512

    def grid(self):
        return np.linspace(self.loglam_min, self.loglam_max, self.n_pix)


@dataclass
class NetConfig:
    channels: int = 24
    kernel: int = 9
    n_classes: int = len(CLASSES)


@dataclass
class FitConfig:
    batch_size: int = 16
    steps: int = 30
    lr: float = 1e-3
    seed: int = 11


def spectrum_stream(grid_cfg: GridConfig, seed: int):
    rng = np.random.default_rng(seed)
    loglam = grid_cfg.grid()
    lam = 10 ** loglam
    while True:
        cls = int(rng.integers(len(CLASSES)))
        z = {0: 0.0, 1: rng.uniform(0.02, 0.3), 2: rng.uniform(0.5, 2.5)}[cls]
        cont = (lam / 5000.0) ** rng.uniform(-2.0, 1.0)
        flux = cont.copy()
        for name, rest in LINES_AA.items():
            obs = rest * (1 + z)
            width = 3.0 if cls != 2 else 40.0
            strength = {0: -0.3, 1: 0.8, 2: 2.5}[cls]
            flux += strength * np.exp(-0.5 * ((lam - obs) / width) ** 2)
        ivar = rng.uniform(20, 80, lam.size)
        flux += rng.normal(0, 1 / np.sqrt(ivar))
        blue_cut = 4000.0 if rng.random() < 0.5 else 3600.0
        red_cut = 8800.0 if rng.random() < 0.5 else 9000.0
        covered = (lam >= blue_cut) & (lam <= red_cut)
        flux[~covered] = 0.0
        ivar[~covered] = 0.0
        yield {"flux": flux.astype(np.float32), "ivar": ivar.astype(np.float32), "label": cls}


class SpectrumStream(IterableDataset):
    def __init__(self, grid_cfg, seed):
        self.grid_cfg = grid_cfg
        self.seed = seed

    def __iter__(self):
        return spectrum_stream(self.grid_cfg, self.seed)


def collate_spectra(samples):
    flux = np.stack([s["flux"] for s in samples])
    ivar = np.stack([s["ivar"] for s in samples])
    no_coverage = np.zeros(flux.shape, dtype=np.uint8)
    no_coverage[ivar == 0] = 1
    norm = np.array([np.median(f[i > 0]) for f, i in zip(flux, ivar)], dtype=np.float32)
    flux = flux / norm[:, None]
    return {
        "flux": torch.from_numpy(flux).unsqueeze(1),
        "weight": torch.from_numpy(np.sqrt(ivar)).unsqueeze(1),
        "no_coverage": torch.from_numpy(no_coverage),
        "label": torch.tensor([s["label"] for s in samples]),
    }


class AttentionPool1d(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, h, no_coverage):
        logits = self.score(h).squeeze(-1)
        logits = logits.masked_fill(no_coverage, -1e4)
        attn = logits.softmax(dim=-1)
        return torch.einsum("bl,bld->bd", attn, h)


class SpectrumNet(nn.Module):
    def __init__(self, cfg: NetConfig):
        super().__init__()
        pad = cfg.kernel // 2
        self.conv = nn.Sequential(
            nn.Conv1d(2, cfg.channels, cfg.kernel, padding=pad), nn.GELU(),
            nn.Conv1d(cfg.channels, cfg.channels, cfg.kernel, padding=pad), nn.GELU(),
        )
        self.pool = AttentionPool1d(cfg.channels)
        self.head = nn.Linear(cfg.channels, cfg.n_classes)

    def forward(self, batch):
        x = torch.cat([batch["flux"], batch["weight"] / 10.0], dim=1)
        h = self.conv(x).transpose(1, 2)
        return self.head(self.pool(h, batch["no_coverage"]))


class SpectraTrainer:
    def __init__(self, net, cfg: FitConfig):
        self.net = net
        self.cfg = cfg
        self.optim = torch.optim.Adam(net.parameters(), lr=cfg.lr)
        self.log = []

    def step(self, batch):
        self.net.train()
        logits = self.net(batch)
        loss = F.cross_entropy(logits, batch["label"])
        self.optim.zero_grad(set_to_none=True)
        loss.backward()
        self.optim.step()
        return loss.item()

    def run(self, loader):
        for i, batch in enumerate(loader):
            if i >= self.cfg.steps:
                break
            self.log.append(self.step(batch))
            if i % 10 == 0:
                print(f"step {i:3d} loss {np.mean(self.log[-10:]):.4f}")


def main():
    fit_cfg = FitConfig()
    torch.manual_seed(fit_cfg.seed)
    grid_cfg = GridConfig()
    loader = DataLoader(SpectrumStream(grid_cfg, fit_cfg.seed), batch_size=fit_cfg.batch_size,
                        collate_fn=collate_spectra)
    trainer = SpectraTrainer(SpectrumNet(NetConfig()), fit_cfg)
    trainer.run(loader)
    print("final loss", trainer.log[-1])


if __name__ == "__main__":
    main()
