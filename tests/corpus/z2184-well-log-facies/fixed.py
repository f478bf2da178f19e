"""Lithofacies classification from wireline logs with a bidirectional GRU.

Each well is cut into overlapping depth windows; the model labels every depth
sample with one of the facies classes.
"""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class FaciesConfig:
    log_curves: list = field(default_factory=lambda: ["GR", "ILD_log10", "DeltaPHI", "PHIND", "PE"])
    facies: list = field(default_factory=lambda: ["SS", "CSiS", "FSiS", "SiSh", "MS", "WS", "D", "PS", "BS"])
    window: int = 64
    stride: int = 32
    hidden_size: int = 64
    num_layers: int = 2
    bidirectional: bool = True
    dropout: float = 0.2
    batch_size: int = 16
    lr: float = 3e-3
    epochs: int = 2
    seed: int = 7


def synth_well(n_samples, n_curves, n_facies, rng):
    """Blocky facies column with curve responses + noise, roughly like a real log."""
    facies = np.empty(n_samples, dtype=np.int64)
    i = 0
    while i < n_samples:
        thick = rng.integers(5, 40)
        facies[i:i + thick] = rng.integers(0, n_facies)
        i += thick
    signature = rng.normal(size=(n_facies, n_curves))
    logs = signature[facies] + 0.3 * rng.normal(size=(n_samples, n_curves))
    return logs.astype(np.float32), facies


class WellWindows(Dataset):
    def __init__(self, wells, window, stride):
        self.items = []
        for logs, facies in wells:
            mu, sd = logs.mean(0, keepdims=True), logs.std(0, keepdims=True) + 1e-6
            logs = (logs - mu) / sd
            for start in range(0, len(logs) - window + 1, stride):
                self.items.append((logs[start:start + window], facies[start:start + window]))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        x, y = self.items[idx]
        return torch.from_numpy(x), torch.from_numpy(y)


class FaciesGRU(nn.Module):
    def __init__(self, cfg: FaciesConfig):
        super().__init__()
        n_in = len(cfg.log_curves)
        self.input_proj = nn.Sequential(nn.Linear(n_in, 32), nn.GELU())
        self.rnn = nn.GRU(
            input_size=32,
            hidden_size=cfg.hidden_size,
            num_layers=cfg.num_layers,
            batch_first=True,
            dropout=cfg.dropout,
            bidirectional=cfg.bidirectional,
        )
        self.norm = nn.LayerNorm(cfg.hidden_size * (2 if cfg.bidirectional else 1))
        self.head = nn.Sequential(
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden_size * (2 if cfg.bidirectional else 1), len(cfg.facies)),
        )

    def forward(self, logs):
        h = self.input_proj(logs)
        h, _ = self.rnn(h)
        h = self.norm(h)
        return self.head(h)


def facies_accuracy(logits, target):
    return (logits.argmax(-1) == target).float().mean().item()


def train(cfg: FaciesConfig):
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    n_curves, n_facies = len(cfg.log_curves), len(cfg.facies)
    wells = [synth_well(int(rng.integers(250, 400)), n_curves, n_facies, rng) for _ in range(5)]
    train_ds = WellWindows(wells[:4], cfg.window, cfg.stride)
    val_ds = WellWindows(wells[4:], cfg.window, cfg.window)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = FaciesGRU(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for logs, facies in train_dl:
            logits = model(logs)
            loss = loss_fn(logits.reshape(-1, n_facies), facies.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item() * logs.size(0)

        model.eval()
        accs = []
        with torch.no_grad():
            for logs, facies in val_dl:
                accs.append(facies_accuracy(model(logs), facies))
        print(f"epoch {epoch}: train loss {running / len(train_ds):.4f}  val acc {np.mean(accs):.3f}")
    return model


if __name__ == "__main__":
    train(FaciesConfig())
