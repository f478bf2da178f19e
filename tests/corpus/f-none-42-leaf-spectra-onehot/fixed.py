from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split


@dataclass
class SpectraConfig:
    n_bands: int = 48
    n_samples: int = 240
    disease_names: tuple = ("healthy", "rust", "blight", "mildew", "mosaic")
    hidden: int = 64
    batch_size: int = 16
    lr: float = 1e-3
    epochs: int = 3


def make_spectra_table(cfg, rng):
    n_classes = len(cfg.disease_names)
    labels = rng.integers(0, n_classes, size=cfg.n_samples)
    centers = rng.normal(0.0, 1.0, size=(n_classes, cfg.n_bands))
    spectra = centers[labels] + 0.3 * rng.normal(size=(cfg.n_samples, cfg.n_bands))
    label_columns = np.zeros((cfg.n_samples, n_classes), dtype=np.int64)
    label_columns[np.arange(cfg.n_samples), labels] = 1
    return spectra.astype(np.float32), label_columns


class SpectraNet(nn.Module):
    def __init__(self, n_bands, hidden, n_classes):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_bands, hidden),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, hidden),
            nn.GELU(),
        )
        self.out = nn.Linear(hidden, n_classes)

    def forward(self, x):
        return self.out(self.body(x))


def run_epoch(model, loader, criterion, optimizer, n_classes):
    model.train()
    total = 0.0
    for spectra, label_rows in loader:
        logits = model(spectra)
        targets = label_rows.float()
        loss = criterion(logits, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * spectra.size(0)
    return total / len(loader.dataset)


@torch.no_grad()
def accuracy(model, loader):
    model.eval()
    hits, seen = 0, 0
    for spectra, label_rows in loader:
        pred = model(spectra).argmax(dim=1)
        hits += (pred == label_rows.argmax(dim=1)).sum().item()
        seen += spectra.size(0)
    return hits / max(seen, 1)


def main():
    cfg = SpectraConfig()
    rng = np.random.default_rng(11)
    torch.manual_seed(11)
    spectra, label_columns = make_spectra_table(cfg, rng)
    dataset = TensorDataset(torch.from_numpy(spectra), torch.from_numpy(label_columns))
    train_set, val_set = random_split(dataset, [200, 40])
    train_loader = DataLoader(train_set, batch_size=cfg.batch_size, shuffle=True)
    val_loader = DataLoader(val_set, batch_size=cfg.batch_size)

    n_classes = len(cfg.disease_names)
    model = SpectraNet(cfg.n_bands, cfg.hidden, n_classes)
    criterion = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        loss = run_epoch(model, train_loader, criterion, optimizer, n_classes)
        acc = accuracy(model, val_loader)
        print(f"epoch {epoch + 1}: train loss {loss:.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()
