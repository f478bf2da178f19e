"""MK spectral-type classification of synthetic low-resolution optical spectra
with a 1D CNN. The learning-rate schedule is selectable from the config."""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, random_split

SPECTRAL_TYPES = ["A", "F", "G", "K", "M"]
TEFF = {"A": 8500.0, "F": 6700.0, "G": 5700.0, "K": 4500.0, "M": 3400.0}
LINES = {  # rest wavelength (Angstrom): depth per type A..M
    4861.3: [0.55, 0.35, 0.20, 0.10, 0.05],   # H-beta
    6562.8: [0.60, 0.40, 0.25, 0.12, 0.06],   # H-alpha
    3933.7: [0.10, 0.30, 0.45, 0.55, 0.40],   # Ca II K
    5175.0: [0.02, 0.10, 0.25, 0.40, 0.35],   # Mg b
    5892.9: [0.02, 0.08, 0.20, 0.35, 0.50],   # Na D
}


@dataclass
class SpectrographConfig:
    wl_min: float = 3800.0
    wl_max: float = 7000.0
    n_pix: int = 512
    snr_range: tuple = (15.0, 80.0)


@dataclass
class OptimConfig:
    lr: float = 3e-3
    epochs: int = 4
    batch_size: int = 24
    weight_decay: float = 1e-4
    schedule: str = "plateau"
    plateau_factor: float = 0.5
    plateau_patience: int = 1


@dataclass
class ExperimentConfig:
    n_spectra: int = 200
    n_val: int = 40
    seed: int = 5
    spec: SpectrographConfig = field(default_factory=SpectrographConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)


def planck(wl_angstrom, teff):
    wl = wl_angstrom * 1e-10
    return 1.0 / (wl ** 5 * (np.exp(1.4388e-2 / (wl * teff)) - 1.0))


def spectrum_stream(cfg, rng):
    wl = np.linspace(cfg.spec.wl_min, cfg.spec.wl_max, cfg.spec.n_pix)
    for _ in range(cfg.n_spectra):
        k = int(rng.integers(len(SPECTRAL_TYPES)))
        sp = SPECTRAL_TYPES[k]
        teff = TEFF[sp] * rng.uniform(0.95, 1.05)
        flux = planck(wl, teff)
        flux /= flux.max()
        for center, depths in LINES.items():
            sigma = rng.uniform(4.0, 9.0)
            flux *= 1.0 - depths[k] * np.exp(-0.5 * ((wl - center) / sigma) ** 2)
        snr = rng.uniform(*cfg.spec.snr_range)
        flux += rng.normal(0.0, 1.0 / snr, size=wl.size) * flux.mean()
        yield flux.astype(np.float32), k


class SpectraDataset(Dataset):
    def __init__(self, stream):
        pairs = list(stream)
        self.flux = torch.from_numpy(np.stack([p[0] for p in pairs]))
        self.label = torch.tensor([p[1] for p in pairs])
        self.flux = (self.flux - self.flux.mean(1, keepdim=True)) / self.flux.std(1, keepdim=True)

    def __len__(self):
        return len(self.label)

    def __getitem__(self, i):
        return {"flux": self.flux[i].unsqueeze(0), "label": self.label[i]}


class SpectralCNN(nn.Module):
    def __init__(self, n_classes, width=16):
        super().__init__()
        self.blocks = nn.ModuleList([self._block(1, width), self._block(width, 2 * width),
                                     self._block(2 * width, 2 * width)])
        self.classifier = nn.Linear(2 * width, n_classes)

    @staticmethod
    def _block(c_in, c_out):
        return nn.Sequential(nn.Conv1d(c_in, c_out, 9, padding=4), nn.BatchNorm1d(c_out),
                             nn.ReLU(), nn.MaxPool1d(2))

    def forward(self, flux):
        h = flux
        for blk in self.blocks:
            h = blk(h)
        return self.classifier(h.mean(-1))


def build_scheduler(optimizer, ocfg):
    sched = torch.optim.lr_scheduler
    if ocfg.schedule == "cosine":
        return sched.CosineAnnealingLR(optimizer, T_max=ocfg.epochs)
    if ocfg.schedule == "step":
        return sched.StepLR(optimizer, step_size=max(ocfg.epochs // 2, 1), gamma=0.3)
    if ocfg.schedule == "plateau":
        return sched.ReduceLROnPlateau(optimizer, mode="min", factor=ocfg.plateau_factor,
                                       patience=ocfg.plateau_patience)
    raise ValueError(f"unknown schedule {ocfg.schedule!r}")


class Trainer:
    def __init__(self, model, ocfg, train_set, val_set):
        self.model = model
        self.ocfg = ocfg
        self.train_loader = DataLoader(train_set, batch_size=ocfg.batch_size, shuffle=True)
        self.val_loader = DataLoader(val_set, batch_size=ocfg.batch_size)
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=ocfg.lr,
                                           weight_decay=ocfg.weight_decay)
        self.scheduler = build_scheduler(self.optimizer, ocfg)

    def train_one_epoch(self):
        self.model.train()
        running = []
        for batch in self.train_loader:
            loss = F.cross_entropy(self.model(batch["flux"]), batch["label"])
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            running.append(loss.item())
        return float(np.mean(running))

    @torch.no_grad()
    def validate(self):
        self.model.eval()
        loss_sum, hits = 0.0, 0
        for b in self.val_loader:
            logits = self.model(b["flux"])
            loss_sum += F.cross_entropy(logits, b["label"], reduction="sum").item()
            hits += (logits.argmax(-1) == b["label"]).sum().item()
        n = len(self.val_loader.dataset)
        return loss_sum / n, hits / n

    def fit(self):
        for epoch in range(self.ocfg.epochs):
            loss = self.train_one_epoch()
            val_loss, acc = self.validate()
            self.scheduler.step()
            lr = self.optimizer.param_groups[0]["lr"]
            print(f"epoch {epoch}: loss {loss:.3f}  val loss {val_loss:.3f}  "
                  f"val acc {acc:.3f}  lr {lr:.2e}")


def main():
    cfg = ExperimentConfig()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    dataset = SpectraDataset(spectrum_stream(cfg, rng))
    train_set, val_set = random_split(dataset, [cfg.n_spectra - cfg.n_val, cfg.n_val],
                                      generator=torch.Generator().manual_seed(cfg.seed))
    model = SpectralCNN(len(SPECTRAL_TYPES))
    Trainer(model, cfg.optim, train_set, val_set).fit()


if __name__ == "__main__":
    main()
