"""Spectral classification of SDSS-like optical spectra with a 1D CNN.

A synthetic catalog (plate, fiber, class, redshift) is written to CSV, the
spectra are simulated on a common log-lambda grid, and a train/validation split
is made by plate so that no plate leaks between splits.
"""
import csv
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(HERE, "spec_catalog.csv")

LINES = {"Halpha": 6563.0, "Hbeta": 4861.0, "OIII": 5007.0, "MgII": 2798.0, "CIV": 1549.0, "CaK": 3934.0}


@dataclass
class SpecConfig:
    loglam_min: float = 3.58
    loglam_max: float = 3.96
    n_pix: int = 512
    val_plates: tuple = (4,)
    seed: int = 11


@dataclass
class TrainConfig:
    batch_size: int = 16
    lr: float = 1e-3
    epochs: int = 2


def write_catalog(path, rng):
    programs = {1: [0.5, 0.35, 0.15, 0.0], 2: [0.45, 0.4, 0.15, 0.0], 3: [0.5, 0.3, 0.2, 0.0], 4: [0.3, 0.2, 0.1, 0.4]}
    names = ["STAR", "GALAXY", "QSO", "WD"]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["plate", "fiber", "class", "z"])
        for plate, probs in programs.items():
            for fiber in range(40):
                cls = names[rng.choice(4, p=probs)]
                z = {"STAR": 0.0, "WD": 0.0, "GALAXY": rng.uniform(0.02, 0.3), "QSO": rng.uniform(0.5, 2.5)}[cls]
                w.writerow([plate, fiber, cls, f"{z:.4f}"])


def read_catalog(path):
    with open(path) as fh:
        return [dict(r, plate=int(r["plate"]), z=float(r["z"])) for r in csv.DictReader(fh)]


class SpectrumSimulator:
    def __init__(self, cfg: SpecConfig, rng):
        self.wave = 10 ** np.linspace(cfg.loglam_min, cfg.loglam_max, cfg.n_pix)
        self.rng = rng

    def _gauss(self, center, width, amp):
        return amp * np.exp(-0.5 * ((self.wave - center) / width) ** 2)

    def render(self, row):
        z, cls = row["z"], row["class"]
        cont = (self.wave / 5500.0) ** self.rng.uniform(-2.0, 1.0)
        flux = cont.copy()
        if cls == "STAR":
            flux -= self._gauss(LINES["CaK"], 6, 0.3) + self._gauss(LINES["Halpha"], 8, 0.2)
        elif cls == "WD":
            flux -= self._gauss(LINES["Hbeta"], 40, 0.5) + self._gauss(LINES["Halpha"], 50, 0.5)
        elif cls == "GALAXY":
            for name in ("Halpha", "OIII", "Hbeta"):
                flux += self._gauss(LINES[name] * (1 + z), 5, self.rng.uniform(0.2, 1.0))
        else:
            for name in ("MgII", "CIV", "Hbeta"):
                flux += self._gauss(LINES[name] * (1 + z), 40, self.rng.uniform(0.5, 2.0))
        flux += self.rng.normal(0, 0.05, size=flux.shape)
        return (flux / np.median(np.abs(flux))).astype(np.float32)


class LabelEncoder:
    def __init__(self, class_names):
        self.class_to_idx = {c: i for i, c in enumerate(sorted(set(class_names)))}
        self.unknown = len(self.class_to_idx)

    def encode(self, names):
        return torch.tensor([self.class_to_idx.get(n, self.unknown) for n in names])

    def __len__(self):
        return len(self.class_to_idx)


class SpecCNN(nn.Module):
    def __init__(self, n_classes, channels=(8, 16, 32)):
        super().__init__()
        layers, c_in = [], 1
        for c_out in channels:
            layers += [nn.Conv1d(c_in, c_out, 7, padding=3), nn.BatchNorm1d(c_out), nn.ReLU(), nn.MaxPool1d(2)]
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(c_in, n_classes)

    def forward(self, x):
        h = self.features(x.unsqueeze(1))
        return self.classifier(h.mean(dim=-1))


class Trainer:
    def __init__(self, model, cfg: TrainConfig):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    def step(self, spectra, labels):
        logits = self.model(spectra)
        loss = F.cross_entropy(logits, labels)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        total, correct, loss_sum = 0, 0, 0.0
        for spectra, labels in loader:
            logits = self.model(spectra)
            loss_sum += F.cross_entropy(logits, labels, reduction="sum").item()
            correct += (logits.argmax(1) == labels).sum().item()
            total += len(labels)
        self.model.train()
        return loss_sum / total, correct / total

    def fit(self, train_loader, val_loader):
        for epoch in range(self.cfg.epochs):
            losses = [self.step(x, y) for x, y in train_loader]
            val_loss, val_acc = self.evaluate(val_loader)
            print(f"epoch {epoch} train={np.mean(losses):.3f} val={val_loss:.3f} acc={val_acc:.2f}")


def build_split(rows, sim, encoder):
    spectra = torch.from_numpy(np.stack([sim.render(r) for r in rows]))
    labels = encoder.encode([r["class"] for r in rows])
    return TensorDataset(spectra, labels)


def main():
    cfg, tcfg = SpecConfig(), TrainConfig()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    write_catalog(CATALOG, rng)
    rows = read_catalog(CATALOG)
    train_rows = [r for r in rows if r["plate"] not in cfg.val_plates]
    val_rows = [r for r in rows if r["plate"] in cfg.val_plates]

    encoder = LabelEncoder([r["class"] for r in train_rows])
    sim = SpectrumSimulator(cfg, rng)
    train_ds = build_split(train_rows, sim, encoder)
    val_ds = build_split(val_rows, sim, encoder)

    model = SpecCNN(n_classes=len(encoder))
    trainer = Trainer(model, tcfg)
    trainer.fit(DataLoader(train_ds, batch_size=tcfg.batch_size, shuffle=True),
                DataLoader(val_ds, batch_size=tcfg.batch_size))
    print("classes:", encoder.class_to_idx)


if __name__ == "__main__":
    main()
