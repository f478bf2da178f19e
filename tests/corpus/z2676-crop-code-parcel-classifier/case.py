"""Parcel-level crop type classification from Sentinel-2 NDVI/band time series.

Research scratch file: LSTM / TempCNN baselines behind a small registry.
"""
import functools
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

BANDS = ["B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B11", "B12"]
N_DATES = 18

# LPIS declaration codes -> crop names
CROP_CODES = {
    1: "winter_wheat",
    2: "winter_barley",
    3: "maize",
    4: "sugar_beet",
    5: "rapeseed",
    6: "sunflower",
    7: "grassland",
}


def synth_parcels(n_parcels, rng):
    codes = rng.integers(1, len(CROP_CODES) + 1, size=n_parcels)
    doy = np.linspace(60, 300, N_DATES)
    series = []
    for c in codes:
        peak = 120 + 20 * c + rng.normal(0, 8)
        width = 30 + 3 * c
        ndvi = 0.15 + 0.7 * np.exp(-((doy - peak) ** 2) / (2 * width ** 2))
        refl = np.stack([ndvi * (0.2 + 0.05 * b) + rng.normal(0, 0.02, N_DATES) for b in range(len(BANDS))], axis=-1)
        series.append(refl.astype(np.float32))
    return np.stack(series), codes.astype(np.int64)


class ParcelDataset(Dataset):
    def __init__(self, x, codes, transform=None):
        self.x = x
        self.codes = codes
        self.transform = transform

    def __len__(self):
        return len(self.codes)

    def __getitem__(self, i):
        x = torch.from_numpy(self.x[i])
        if self.transform is not None:
            x = self.transform(x)
        return {"series": x, "label": torch.tensor(self.codes[i])}


def standardize(x, mean, std):
    return (x - mean) / (std + 1e-6)


class LSTMClassifier(nn.Module):
    def __init__(self, n_bands, n_classes, hidden=64, layers=1):
        super().__init__()
        self.rnn = nn.LSTM(n_bands, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


class TempCNN(nn.Module):
    def __init__(self, n_bands, n_classes, hidden=64, kernel=5):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(n_bands, hidden, kernel, padding=kernel // 2), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Conv1d(hidden, hidden, kernel, padding=kernel // 2), nn.BatchNorm1d(hidden), nn.ReLU(),
        )
        self.head = nn.Linear(hidden * N_DATES, n_classes)

    def forward(self, x):
        h = self.conv(x.transpose(1, 2))
        return self.head(h.flatten(1))


MODEL_REGISTRY = {
    "lstm": functools.partial(LSTMClassifier, hidden=48),
    "tempcnn": functools.partial(TempCNN, hidden=32, kernel=3),
}


def train_step(model, optimizer, batch, loss_fn):
    model.train()
    logits = model(batch["series"])
    loss = loss_fn(logits, batch["label"])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = total = 0
    for batch in loader:
        pred = model(batch["series"]).argmax(-1)
        correct += (pred == batch["label"]).sum().item()
        total += len(pred)
    return correct / max(total, 1)


def run(cfg):
    rng = np.random.default_rng(cfg["seed"])
    x_tr, y_tr = synth_parcels(cfg["n_train"], rng)
    x_va, y_va = synth_parcels(cfg["n_val"], rng)

    mean = torch.from_numpy(x_tr.reshape(-1, len(BANDS)).mean(0))
    std = torch.from_numpy(x_tr.reshape(-1, len(BANDS)).std(0))
    norm = lambda t: standardize(t, mean, std)

    train_dl = DataLoader(ParcelDataset(x_tr, y_tr, norm), batch_size=cfg["bs"], shuffle=True)
    val_dl = DataLoader(ParcelDataset(x_va, y_va, norm), batch_size=cfg["bs"])

    n_classes = len(CROP_CODES)
    model = MODEL_REGISTRY[cfg["arch"]](len(BANDS), n_classes)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=1e-4)
    loss_fn = functools.partial(F.cross_entropy, label_smoothing=cfg["smoothing"])

    for epoch in range(cfg["epochs"]):
        losses = [train_step(model, optimizer, b, loss_fn) for b in train_dl]
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch:02d} loss {np.mean(losses):.4f} val_acc {acc:.3f}")
    return model


if __name__ == "__main__":
    config = dict(seed=SEED, n_train=512, n_val=128, bs=32, lr=3e-3, epochs=3, arch="tempcnn", smoothing=0.05)
    run(config)
