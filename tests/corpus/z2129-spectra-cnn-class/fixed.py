"""1-D CNN spectral classifier (STAR / GALAXY / QSO) on simulated low-resolution spectra.

Spectra are generated on the instrument's log-lambda grid, then cut to the wavelength
range where both spectrograph arms have good throughput, continuum-normalised and fed
to a small convolutional network.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

SPEC_CLASSES = ["STAR", "GALAXY", "QSO"]
LOGLAM_MIN, LOGLAM_MAX, N_PIX = np.log10(3600.0), np.log10(10000.0), 2048
GOOD_RANGE = (3800.0, 9200.0)
LINES = {"Lya": 1215.7, "CIV": 1549.0, "MgII": 2798.0, "OII": 3727.0,
         "Hb": 4861.3, "OIII": 5006.8, "Ha": 6562.8}

rng = np.random.default_rng(11)
torch.manual_seed(11)


def gaussian(wave, center, sigma):
    return np.exp(-0.5 * ((wave - center) / sigma) ** 2)


def simulate_spectrum(kind, wave):
    if kind == 0:
        teff = rng.uniform(3500, 9000)
        cont = 1.0 / (wave ** 5 * (np.exp(1.44e8 / (wave * teff)) - 1.0))
        cont /= cont.max()
        for rest in (4861.3, 6562.8, 5175.0):
            cont *= 1 - 0.3 * gaussian(wave, rest, 6.0)
    elif kind == 1:
        z = rng.uniform(0.02, 0.4)
        cont = 0.4 + 0.6 * (1 / (1 + np.exp(-(wave - 4000 * (1 + z)) / 80)))
        for name in ("OII", "Hb", "OIII", "Ha"):
            cont += rng.uniform(0.1, 0.8) * gaussian(wave, LINES[name] * (1 + z), 4.0 * (1 + z))
    else:
        z = rng.uniform(0.5, 3.0)
        cont = (wave / 5000.0) ** -0.5
        for name in ("Lya", "CIV", "MgII", "Hb"):
            cont += rng.uniform(0.5, 2.0) * gaussian(wave, LINES[name] * (1 + z), 30.0 * (1 + z))
    ivar = rng.uniform(20, 200) * np.ones_like(wave)
    flux = cont + rng.normal(0, 1, size=wave.size) / np.sqrt(ivar)
    return flux.astype(np.float32), ivar.astype(np.float32)


def build_survey(n_per_class):
    wave = 10 ** np.linspace(LOGLAM_MIN, LOGLAM_MAX, N_PIX)
    fluxes, ivars, classes = [], [], []
    for kind in range(len(SPEC_CLASSES)):
        for _ in range(n_per_class):
            f, iv = simulate_spectrum(kind, wave)
            fluxes.append(f)
            ivars.append(iv)
            classes.append(kind)
    return wave, np.stack(fluxes), np.stack(ivars), np.array(classes)


def restrict_to_good_range(wave, flux, ivar, lo, hi):
    keep = (wave >= lo) & (wave <= hi)
    return wave[keep], flux[:, keep], ivar[:, keep]


def continuum_normalise(flux, ivar):
    w = ivar / ivar.sum(axis=1, keepdims=True)
    median_level = np.median(flux, axis=1, keepdims=True)
    norm = flux / np.clip(median_level, 1e-3, None)
    return norm * np.sqrt(w * flux.shape[1])


class SpectralCNN(nn.Module):
    def __init__(self, n_pixels, n_classes, width=16):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(1, width, kernel_size=7, padding=3), nn.GELU(), nn.MaxPool1d(2),
            nn.Conv1d(width, width, kernel_size=5, padding=2), nn.GELU(), nn.MaxPool1d(2),
            nn.Conv1d(width, width, kernel_size=5, padding=2), nn.GELU(), nn.MaxPool1d(2),
        )
        flat_dim = width * (n_pixels // 8)
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(0.2), nn.Linear(flat_dim, 64), nn.GELU(), nn.Linear(64, n_classes)
        )

    def forward(self, spec):
        return self.classifier(self.features(spec.unsqueeze(1)))


def main():
    wave, flux, ivar, classes = build_survey(n_per_class=60)
    wave_good, flux_good, ivar_good = restrict_to_good_range(wave, flux, ivar, *GOOD_RANGE)
    spectra = continuum_normalise(flux_good, ivar_good)
    print(f"{len(spectra)} spectra, {wave_good.size} pixels in "
          f"{wave_good[0]:.0f}-{wave_good[-1]:.0f} A")

    order = rng.permutation(len(spectra))
    n_train = int(0.75 * len(order))
    tr, te = order[:n_train], order[n_train:]
    to_t = lambda a: torch.tensor(a, dtype=torch.float32)
    train_dl = DataLoader(TensorDataset(to_t(spectra[tr]), torch.tensor(classes[tr])), batch_size=32, shuffle=True)
    test_dl = DataLoader(TensorDataset(to_t(spectra[te]), torch.tensor(classes[te])), batch_size=64)

    net = SpectralCNN(n_pixels=wave_good.size, n_classes=len(SPEC_CLASSES))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(4):
        net.train()
        total = 0.0
        for spec, cls in train_dl:
            opt.zero_grad()
            loss = criterion(net(spec), cls)
            loss.backward()
            opt.step()
            total += loss.item() * len(cls)
        net.eval()
        hits = 0
        with torch.no_grad():
            for spec, cls in test_dl:
                hits += (net(spec).argmax(1) == cls).sum().item()
        print(f"epoch {epoch}  loss {total / len(tr):.4f}  test acc {hits / len(te):.3f}")


if __name__ == "__main__":
    main()
