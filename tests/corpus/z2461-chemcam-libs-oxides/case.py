"""1D-CNN regression of major-oxide abundances from ChemCam-style LIBS spectra.

Three spectrometers (UV, VIO, VNIR), 2048 channels each. Following the usual
ChemCam preprocessing, the noisy spectrometer edges are masked out before
normalisation, then each spectrometer is normalised to its total intensity.
"""
from dataclasses import dataclass, field
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader, random_split

OXIDES = ["SiO2", "TiO2", "Al2O3", "FeOT", "MgO", "CaO", "Na2O", "K2O"]
SPECTROMETERS = {"UV": (240.1, 342.2), "VIO": (382.1, 469.3), "VNIR": (474.0, 906.5)}
KEEP_RANGES = [(246.68, 338.42), (382.42, 473.18), (492.43, 849.0)]
CHANNELS_PER_SPEC = 2048


@dataclass
class SpecConfig:
    n_bins: int = 3 * CHANNELS_PER_SPEC
    conv_channels: list = field(default_factory=lambda: [8, 16, 32])
    kernel_size: int = 7
    hidden: int = 128
    n_targets: int = len(OXIDES)
    dropout: float = 0.2
    lr: float = 1e-3
    batch_size: int = 16
    epochs: int = 2


def wavelength_grid():
    return np.concatenate([np.linspace(lo, hi, CHANNELS_PER_SPEC) for lo, hi in SPECTROMETERS.values()])


def synth_spectra(n, wl, rng):
    # a handful of emission lines per oxide; intensity scales with abundance
    line_centres = {ox: rng.uniform(wl.min(), wl.max(), size=4) for ox in OXIDES}
    comp = rng.dirichlet(np.ones(len(OXIDES)) * 2.0, size=n) * 100.0
    spectra = np.zeros((n, wl.size), dtype=np.float64)
    for j, ox in enumerate(OXIDES):
        for c in line_centres[ox]:
            spectra += comp[:, j : j + 1] * np.exp(-0.5 * ((wl - c) / 0.15) ** 2)
    spectra += rng.gamma(2.0, 0.05, size=spectra.shape)  # continuum / bremsstrahlung
    spectra += 0.02 * rng.standard_normal(spectra.shape)
    return spectra, comp


def preprocess(spectra, wl):
    keep = np.zeros(wl.size, dtype=bool)
    for lo, hi in KEEP_RANGES:
        keep |= (wl >= lo) & (wl <= hi)
    out = []
    for s_idx in range(len(SPECTROMETERS)):
        sl = slice(s_idx * CHANNELS_PER_SPEC, (s_idx + 1) * CHANNELS_PER_SPEC)
        block = spectra[:, sl][:, keep[sl]]
        block = block / block.sum(axis=1, keepdims=True)
        out.append(block)
    return np.concatenate(out, axis=1).astype(np.float32)


class LIBSNet(nn.Module):
    def __init__(self, cfg: SpecConfig):
        super().__init__()
        layers, in_ch = [], 1
        for ch in cfg.conv_channels:
            layers += [
                nn.Conv1d(in_ch, ch, cfg.kernel_size, padding=cfg.kernel_size // 2),
                nn.BatchNorm1d(ch),
                nn.ReLU(),
                nn.MaxPool1d(2),
            ]
            in_ch = ch
        self.features = nn.Sequential(*layers)
        reduced = cfg.n_bins // (2 ** len(cfg.conv_channels))
        self.fc1 = nn.Linear(cfg.conv_channels[-1] * reduced, cfg.hidden)
        self.drop = nn.Dropout(cfg.dropout)
        self.out = nn.Linear(cfg.hidden, cfg.n_targets)

    def forward(self, x):
        h = self.features(x.unsqueeze(1))
        h = torch.flatten(h, 1)
        h = self.drop(F.relu(self.fc1(h)))
        return self.out(h)


def rmsep(model, loader):
    model.eval()
    se, n = torch.zeros(len(OXIDES)), 0
    with torch.no_grad():
        for x, y in loader:
            se += ((model(x) - y) ** 2).sum(0)
            n += len(y)
    return torch.sqrt(se / n)


def main():
    rng = np.random.default_rng(2012)
    torch.manual_seed(2012)
    cfg = SpecConfig()

    wl = wavelength_grid()
    raw, comp = synth_spectra(160, wl, rng)
    X = preprocess(raw, wl)
    X = (X - X.mean(0)) / (X.std(0) + 1e-6)
    y = comp.astype(np.float32)
    print(f"spectra: {X.shape}, targets: {y.shape}")

    ds = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    train_ds, val_ds = random_split(ds, [128, 32], generator=torch.Generator().manual_seed(0))
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = LIBSNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        model.train()
        for xb, yb in train_dl:
            loss = F.mse_loss(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        err = rmsep(model, val_dl)
        print(f"epoch {epoch} " + " ".join(f"{ox}={e:.2f}" for ox, e in zip(OXIDES, err.tolist())))


if __name__ == "__main__":
    main()
