"""Train an MLP to transfer Leiden cluster labels onto new cells
(reference-mapping style), from a log-normalised counts matrix."""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class AnnotConfig:
    n_cells: int = 1500
    n_genes: int = 400
    n_leiden: int = 12
    min_cells_per_cluster: int = 40
    target_sum: float = 1e4
    hidden: list = field(default_factory=lambda: [256, 64])
    dropout: float = 0.2
    batch_size: int = 128
    epochs: int = 4
    lr: float = 1e-3
    seed: int = 0


def simulate_counts(cfg, rng):
    """Negative-binomial-ish counts with one marker program per cluster."""
    sizes = rng.dirichlet(np.ones(cfg.n_leiden) * 2.0) * cfg.n_cells
    sizes[4] = 18  # a small doublet-like cluster
    sizes = np.maximum(sizes.astype(int), 5)
    leiden = np.repeat(np.arange(cfg.n_leiden), sizes)
    base = rng.gamma(2.0, 0.5, size=cfg.n_genes)
    programs = rng.gamma(1.0, 1.0, size=(cfg.n_leiden, cfg.n_genes))
    programs *= rng.random((cfg.n_leiden, cfg.n_genes)) < 0.08
    mu = base[None, :] + 4.0 * programs[leiden]
    libsize = rng.lognormal(0.0, 0.4, size=(len(leiden), 1))
    counts = rng.poisson(mu * libsize).astype(np.float32)
    return counts, leiden


def normalize_log1p(counts, target_sum):
    per_cell = counts.sum(axis=1, keepdims=True)
    return np.log1p(counts / np.maximum(per_cell, 1) * target_sum).astype(np.float32)


def drop_small_clusters(X, leiden, min_cells):
    ids, n = np.unique(leiden, return_counts=True)
    keep_clusters = ids[n >= min_cells]
    mask = np.isin(leiden, keep_clusters)
    print(f"dropping clusters {ids[n < min_cells].tolist()} "
          f"({int((~mask).sum())} cells)")
    labels = np.searchsorted(keep_clusters, leiden[mask])
    return X[mask], labels, keep_clusters


class CellDataset(Dataset):
    def __init__(self, X, labels):
        self.X = torch.from_numpy(X)
        self.y = torch.as_tensor(labels, dtype=torch.long)

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, idx):
        return self.X[idx], self.y[idx]


class CellTypeMLP(nn.Module):
    def __init__(self, n_genes, hidden, n_classes, dropout):
        super().__init__()
        layers, d = [], n_genes
        for h in hidden:
            layers += [nn.Linear(d, h), nn.LayerNorm(h), nn.ReLU(), nn.Dropout(dropout)]
            d = h
        self.body = nn.Sequential(*layers)
        self.out = nn.Linear(d, n_classes)

    def forward(self, x):
        return self.out(self.body(x))


def split_indices(n, frac, rng):
    perm = rng.permutation(n)
    cut = int(n * frac)
    return perm[cut:], perm[:cut]


def main():
    cfg = AnnotConfig()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)

    counts, leiden = simulate_counts(cfg, rng)
    X = normalize_log1p(counts, cfg.target_sum)
    X, labels, keep_clusters = drop_small_clusters(X, leiden, cfg.min_cells_per_cluster)
    n_classes = len(keep_clusters)
    print(f"{X.shape[0]} cells x {X.shape[1]} genes, {n_classes} cell populations")

    train_idx, test_idx = split_indices(len(labels), 0.2, rng)
    train_dl = DataLoader(CellDataset(X[train_idx], labels[train_idx]),
                          batch_size=cfg.batch_size, shuffle=True)
    test_dl = DataLoader(CellDataset(X[test_idx], labels[test_idx]),
                         batch_size=cfg.batch_size)

    model = CellTypeMLP(cfg.n_genes, cfg.hidden, n_classes, cfg.dropout)
    criterion = nn.CrossEntropyLoss()
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for xb, yb in train_dl:
            optim.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optim.step()
            running += loss.item() * len(yb)
        model.eval()
        hits = 0
        with torch.no_grad():
            for xb, yb in test_dl:
                hits += (model(xb).argmax(1) == yb).sum().item()
        print(f"epoch {epoch + 1}/{cfg.epochs} loss={running / len(train_idx):.4f} "
              f"acc={hits / len(test_idx):.3f}")


if __name__ == "__main__":
    main()
