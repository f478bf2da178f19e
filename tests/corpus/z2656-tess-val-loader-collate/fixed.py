"""Variable-star classification on simulated TESS-like light curves.

Each star gets a 27-day sector with a random number of good cadences (after
quality-flag removal), so light curves have different lengths.
"""
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

CLASSES = ("eclipsing_binary", "rr_lyrae", "quiet")


@dataclass
class SurveyConfig:
    n_stars: int = 120
    min_cadences: int = 180
    max_cadences: int = 360
    sector_days: float = 27.4
    noise_ppm: float = 900.0
    bad_flag_rate: float = 0.04
    seed: int = 11


@dataclass
class TrainConfig:
    batch_size: int = 16
    epochs: int = 2
    lr: float = 3e-3
    channels: int = 24
    val_fraction: float = 0.25


def simulate_star(rng, label, cfg):
    n = int(rng.integers(cfg.min_cadences, cfg.max_cadences))
    t = np.sort(rng.uniform(0.0, cfg.sector_days, size=n))
    flux = np.ones(n)
    if CLASSES[label] == "eclipsing_binary":
        period = rng.uniform(0.8, 6.0)
        phase = (t / period) % 1.0
        flux -= 0.08 * np.exp(-0.5 * ((phase - 0.5) / 0.02) ** 2)
        flux -= 0.03 * np.exp(-0.5 * (np.minimum(phase, 1 - phase) / 0.02) ** 2)
    elif CLASSES[label] == "rr_lyrae":
        period = rng.uniform(0.3, 0.9)
        phase = (t / period) % 1.0
        flux += 0.25 * (np.where(phase < 0.15, phase / 0.15, (1 - phase) / 0.85) - 0.5)
    flux += rng.normal(0.0, cfg.noise_ppm * 1e-6, size=n)
    quality = rng.random(n) < cfg.bad_flag_rate
    return {"time": t[~quality], "flux": flux[~quality], "label": label}


class LightCurveSet(Dataset):
    def __init__(self, records):
        self.records = records

    def __len__(self):
        return len(self.records)

    @staticmethod
    def _robust_normalize(flux):
        med = np.median(flux)
        mad = np.median(np.abs(flux - med)) * 1.4826 + 1e-9
        return (flux - med) / mad

    def __getitem__(self, idx):
        rec = self.records[idx]
        t = rec["time"] - rec["time"][0]
        return {
            "time": torch.tensor(t, dtype=torch.float32),
            "flux": torch.tensor(self._robust_normalize(rec["flux"]), dtype=torch.float32),
            "label": torch.tensor(rec["label"], dtype=torch.long),
        }


def pad_collate(items):
    longest = max(it["flux"].shape[0] for it in items)
    flux = torch.zeros(len(items), longest)
    time = torch.zeros(len(items), longest)
    mask = torch.zeros(len(items), longest, dtype=torch.bool)
    for row, it in enumerate(items):
        n = it["flux"].shape[0]
        flux[row, :n] = it["flux"]
        time[row, :n] = it["time"]
        mask[row, :n] = True
    labels = torch.stack([it["label"] for it in items])
    return {"flux": flux, "time": time, "mask": mask, "label": labels}


class ConvLightCurveNet(nn.Module):
    def __init__(self, channels, n_classes):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv1d(2, channels, kernel_size=7, padding=3),
            nn.GELU(),
            nn.Conv1d(channels, channels, kernel_size=5, padding=2),
            nn.GELU(),
        )
        self.head = nn.Linear(channels, n_classes)

    @staticmethod
    def masked_mean(h, mask):
        w = mask.unsqueeze(1).float()
        return (h * w).sum(-1) / w.sum(-1).clamp(min=1.0)

    def forward(self, flux, time, mask):
        x = torch.stack([flux, torch.sin(2 * math.pi * time / 27.4)], dim=1)
        h = self.encoder(x)
        return self.head(self.masked_mean(h, mask))


class Trainer:
    def __init__(self, model, cfg, train_set, val_set):
        self.model = model
        self.cfg = cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
        self.train_loader = DataLoader(train_set, batch_size=cfg.batch_size,
                                       shuffle=True, collate_fn=pad_collate)
        self.val_loader = DataLoader(val_set, batch_size=cfg.batch_size * 2,
                                     collate_fn=pad_collate)

    def _step(self, batch):
        logits = self.model(batch["flux"], batch["time"], batch["mask"])
        return logits, F.cross_entropy(logits, batch["label"])

    def train_epoch(self):
        self.model.train()
        total = 0.0
        for batch in self.train_loader:
            _, loss = self._step(batch)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            total += loss.item()
        return total / len(self.train_loader)

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        correct, seen = 0, 0
        for batch in self.val_loader:
            logits, _ = self._step(batch)
            correct += (logits.argmax(-1) == batch["label"]).sum().item()
            seen += batch["label"].numel()
        return correct / max(seen, 1)

    def fit(self):
        for epoch in range(self.cfg.epochs):
            loss = self.train_epoch()
            acc = self.evaluate()
            print(f"epoch {epoch}: train_loss={loss:.4f} val_acc={acc:.3f}")


def main():
    survey = SurveyConfig()
    tcfg = TrainConfig()
    rng = np.random.default_rng(survey.seed)
    torch.manual_seed(survey.seed)
    labels = rng.integers(0, len(CLASSES), size=survey.n_stars)
    records = [simulate_star(rng, int(y), survey) for y in labels]
    n_val = int(len(records) * tcfg.val_fraction)
    train_set = LightCurveSet(records[n_val:])
    val_set = LightCurveSet(records[:n_val])
    print(f"{len(train_set)} train / {len(val_set)} val light curves")
    model = ConvLightCurveNet(tcfg.channels, len(CLASSES))
    Trainer(model, tcfg, train_set, val_set).fit()


if __name__ == "__main__":
    main()
