"""Per-cadence event segmentation for Kepler-like long-cadence light curves.

Each cadence is tagged as quiescent / transit / flare, and a small conv + BiGRU
tagger is trained to reproduce the tags from the detrended flux.
"""
import math
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 17
N_CADENCES = 200
EVENT_CLASSES = ["quiescent", "transit", "flare"]

torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)


def synth_light_curve(n, rng):
    t = np.arange(n, dtype=np.float32)
    flux = 1.0 + 0.002 * np.sin(2 * math.pi * t / rng.uniform(40, 120))
    tags = np.zeros(n, dtype=np.int64)
    period = int(rng.integers(50, 90))
    phase = int(rng.integers(0, period))
    dur = int(rng.integers(4, 9))
    for start in range(phase, n - dur, period):
        flux[start:start + dur] -= rng.uniform(0.004, 0.012)
        tags[start:start + dur] = 1
    for _ in range(rng.integers(0, 3)):
        peak = int(rng.integers(0, n - 12))
        amp = rng.uniform(0.01, 0.03)
        decay = amp * np.exp(-np.arange(12) / 3.0)
        flux[peak:peak + 12] += decay
        tags[peak:peak + 12][decay > 0.2 * amp] = 2
    flux += rng.normal(0, 0.0008, n)
    return flux.astype(np.float32), tags


class LightCurveTags(Dataset):
    def __init__(self, n_stars, n_cadences, rng):
        self.curves = []
        for _ in range(n_stars):
            flux, tags = synth_light_curve(n_cadences, rng)
            med = np.median(flux)
            mad = np.median(np.abs(flux - med)) + 1e-6
            self.curves.append(((flux - med) / mad, tags))

    def __len__(self):
        return len(self.curves)

    def __getitem__(self, idx):
        flux, tags = self.curves[idx]
        return torch.from_numpy(flux).unsqueeze(0), torch.from_numpy(tags)


class CadenceTagger(nn.Module):
    def __init__(self, n_classes, conv_channels=16, gru_hidden=24):
        super().__init__()
        self.frontend = nn.Sequential(
            nn.Conv1d(1, conv_channels, kernel_size=7, padding=3),
            nn.GELU(),
            nn.Conv1d(conv_channels, conv_channels, kernel_size=5, padding=2),
            nn.GELU(),
        )
        self.gru = nn.GRU(conv_channels, gru_hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * gru_hidden, n_classes)

    def forward(self, flux):
        feats = self.frontend(flux)
        feats = feats.transpose(1, 2)
        seq, _ = self.gru(feats)
        return self.head(seq)


def class_weights(dataset, n_classes):
    counts = np.zeros(n_classes)
    for _, tags in dataset.curves:
        counts += np.bincount(tags, minlength=n_classes)
    w = counts.sum() / (n_classes * np.maximum(counts, 1))
    return torch.tensor(w, dtype=torch.float32)


def train_epoch(model, loader, criterion, optim):
    model.train()
    running = 0.0
    for flux, tags in loader:
        logits = model(flux)
        loss = criterion(logits, tags)
        optim.zero_grad()
        loss.backward()
        optim.step()
        running += loss.item() * flux.size(0)
    return running / len(loader.dataset)


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    hits, total = 0, 0
    for flux, tags in loader:
        pred = model(flux).argmax(-1)
        hits += (pred == tags).sum().item()
        total += tags.numel()
    return hits / total


def main():
    train_ds = LightCurveTags(64, N_CADENCES, rng)
    val_ds = LightCurveTags(24, N_CADENCES, rng)
    train_dl = DataLoader(train_ds, batch_size=16, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=24)

    model = CadenceTagger(len(EVENT_CLASSES))
    criterion = nn.CrossEntropyLoss(weight=class_weights(train_ds, len(EVENT_CLASSES)))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    for epoch in range(3):
        loss = train_epoch(model, train_dl, criterion, optim)
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch}: train loss {loss:.4f}  val cadence acc {acc:.3f}")


if __name__ == "__main__":
    main()
