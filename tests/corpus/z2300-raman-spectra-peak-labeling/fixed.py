"""Point-wise labelling of Raman spectra: background / analyte peak / fluorescence artefact.

Each spectrum is resampled onto a fixed wavenumber grid; a small conv + BiGRU tagger
assigns a class to every grid point so that peaks can be integrated downstream.
"""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

GRID = np.linspace(200.0, 1800.0, 400)          # cm^-1
LABELS = {"background": 0, "peak": 1, "artefact": 2}
N_CLASSES = len(LABELS)

hparams = {
    "n_spectra": 96,
    "batch_size": 16,
    "conv_channels": 32,
    "gru_hidden": 48,
    "lr": 2e-3,
    "epochs": 2,
    "peak_halfwidth_cm": 12.0,
}


def simulate_spectrum(rng):
    """Lorentzian peaks on a polynomial fluorescence baseline plus cosmic-ray spikes."""
    baseline = np.polyval(rng.normal(0, 1e-7, 3), GRID - 1000.0) + rng.uniform(0.1, 0.4)
    intensity = baseline.copy()
    tags = np.zeros_like(GRID, dtype=np.int64)
    for _ in range(rng.integers(2, 6)):
        center = rng.uniform(300, 1700)
        gamma = rng.uniform(4, 10)
        amp = rng.uniform(0.5, 2.0)
        intensity += amp * gamma ** 2 / ((GRID - center) ** 2 + gamma ** 2)
        tags[np.abs(GRID - center) < hparams["peak_halfwidth_cm"]] = LABELS["peak"]
    for _ in range(rng.integers(0, 3)):
        spike = rng.integers(0, len(GRID))
        intensity[spike] += rng.uniform(3, 6)
        tags[spike] = LABELS["artefact"]
    intensity += rng.normal(0, 0.02, size=GRID.shape)
    return intensity.astype(np.float32), tags


def snv(x):
    """Standard normal variate scaling, per spectrum."""
    return (x - x.mean()) / (x.std() + 1e-8)


class RamanTagDataset(Dataset):
    def __init__(self, n, seed=0):
        rng = np.random.default_rng(seed)
        self.items = [simulate_spectrum(rng) for _ in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        spec, tags = self.items[i]
        return torch.from_numpy(snv(spec)).unsqueeze(0), torch.from_numpy(tags)


class SpectrumTagger(nn.Module):
    def __init__(self, conv_channels, gru_hidden, n_classes):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv1d(1, conv_channels, kernel_size=9, padding=4),
            nn.GELU(),
            nn.Conv1d(conv_channels, conv_channels, kernel_size=5, padding=2),
            nn.GELU(),
        )
        self.rnn = nn.GRU(conv_channels, gru_hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * gru_hidden, n_classes)

    def forward(self, x):
        h = self.encoder(x)            # (B, C, L)
        h = h.transpose(1, 2)          # (B, L, C)
        h, _ = self.rnn(h)
        return self.head(h)


def class_weights(ds):
    counts = torch.zeros(N_CLASSES)
    for _, tags in ds:
        counts += torch.bincount(tags, minlength=N_CLASSES).float()
    w = counts.sum() / (N_CLASSES * counts.clamp(min=1))
    return w / w.sum() * N_CLASSES


def run_epoch(model, loader, criterion, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total, n = 0.0, 0
    for spectra, tags in loader:
        with torch.set_grad_enabled(training):
            logits = model(spectra)
            loss = criterion(logits.permute(0, 2, 1), tags)
        if training:
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
        total += loss.item() * spectra.size(0)
        n += spectra.size(0)
    return total / n


def main():
    full = RamanTagDataset(hparams["n_spectra"], seed=SEED)
    n_val = int(0.2 * len(full))
    train_ds, val_ds = random_split(full, [len(full) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(SEED))
    train_dl = DataLoader(train_ds, batch_size=hparams["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=hparams["batch_size"])

    model = SpectrumTagger(hparams["conv_channels"], hparams["gru_hidden"], N_CLASSES)
    criterion = nn.CrossEntropyLoss(weight=class_weights(train_ds))
    optimizer = torch.optim.AdamW(model.parameters(), lr=hparams["lr"])

    for epoch in range(hparams["epochs"]):
        tr = run_epoch(model, train_dl, criterion, optimizer)
        va = run_epoch(model, val_dl, criterion)
        print(f"epoch {epoch:02d}  train CE {tr:.4f}  val CE {va:.4f}")


if __name__ == "__main__":
    main()
