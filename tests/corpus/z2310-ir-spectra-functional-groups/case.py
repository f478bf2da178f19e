#!/usr/bin/env python
# Multi-label functional-group detection from FTIR absorbance spectra (4000-400 cm-1)
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(42)
rng = np.random.default_rng(42)

WAVENUMBERS = np.linspace(4000, 400, 600)
GROUPS = {
    "O-H (alcohol)": [(3350, 120)],
    "N-H (amine)": [(3400, 40), (3300, 40)],
    "C=O (carbonyl)": [(1715, 25)],
    "C#N (nitrile)": [(2250, 15)],
    "C-O (ether/ester)": [(1100, 40)],
    "aromatic C=C": [(1600, 12), (1500, 12)],
    "NO2 (nitro)": [(1530, 20), (1350, 20)],
}
GROUP_NAMES = list(GROUPS)

N_SPECTRA = 250
BATCH = 32
EPOCHS = 4
MAX_LR = 3e-3


def simulate_spectrum(present):
    # baseline + C-H stretch that almost every organic has
    y = 0.02 + 0.01 * np.sin(WAVENUMBERS / 700.0) + 0.4 * np.exp(-((WAVENUMBERS - 2930) / 40) ** 2)
    for name, on in zip(GROUP_NAMES, present):
        if not on:
            continue
        for center, width in GROUPS[name]:
            shift = rng.normal(0, width * 0.15)
            y += rng.uniform(0.4, 1.0) * np.exp(-((WAVENUMBERS - center - shift) / width) ** 2)
    y += rng.normal(0, 0.01, size=y.shape)
    return y / y.max()


def build_dataset(n):
    labels = (rng.random((n, len(GROUP_NAMES))) < 0.35).astype(np.float32)
    spectra = np.stack([simulate_spectrum(l) for l in labels]).astype(np.float32)
    return TensorDataset(torch.from_numpy(spectra).unsqueeze(1), torch.from_numpy(labels))


def make_model(n_points, n_labels):
    return nn.Sequential(
        nn.Conv1d(1, 16, kernel_size=9, padding=4), nn.BatchNorm1d(16), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(16, 32, kernel_size=7, padding=3), nn.BatchNorm1d(32), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(32, 64, kernel_size=5, padding=2), nn.BatchNorm1d(64), nn.ReLU(),
        nn.AdaptiveAvgPool1d(8),
        nn.Flatten(),
        nn.Linear(64 * 8, 128), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(128, n_labels),
    )


def run_epoch(model, loader, criterion, optimizer=None, scheduler=None):
    training = optimizer is not None
    model.train(training)
    tot_loss, tp, fp, fn = 0.0, 0, 0, 0
    for x, y in loader:
        with torch.set_grad_enabled(training):
            logits = model(x)
            loss = criterion(logits, y)
        if training:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
        tot_loss += loss.item() * x.size(0)
        pred = (logits.sigmoid() > 0.5).float()
        tp += (pred * y).sum().item()
        fp += (pred * (1 - y)).sum().item()
        fn += ((1 - pred) * y).sum().item()
    f1 = 2 * tp / max(2 * tp + fp + fn, 1)
    return tot_loss / len(loader.dataset), f1


ds = build_dataset(N_SPECTRA + 60)
train_ds, val_ds = random_split(ds, [N_SPECTRA, 60], generator=torch.Generator().manual_seed(0))
train_loader = DataLoader(train_ds, batch_size=BATCH, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=BATCH)

model = make_model(len(WAVENUMBERS), len(GROUP_NAMES))
pos_frac = ds.tensors[1].mean(0)
criterion = nn.BCEWithLogitsLoss(pos_weight=(1 - pos_frac) / pos_frac)
optimizer = torch.optim.AdamW(model.parameters(), lr=MAX_LR / 25, weight_decay=1e-4)
steps_per_epoch = len(train_ds) // BATCH
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer, max_lr=MAX_LR, epochs=EPOCHS, steps_per_epoch=steps_per_epoch, pct_start=0.3
)

for epoch in range(EPOCHS):
    tr_loss, tr_f1 = run_epoch(model, train_loader, criterion, optimizer, scheduler)
    va_loss, va_f1 = run_epoch(model, val_loader, criterion)
    print(f"epoch {epoch + 1}/{EPOCHS}  lr {scheduler.get_last_lr()[0]:.2e}  "
          f"train {tr_loss:.3f} (F1 {tr_f1:.2f})  val {va_loss:.3f} (F1 {va_f1:.2f})")

torch.save(model.state_dict(), "ftir_fg_cnn.pt")
