"""Flag likely glaze/body defects from a kiln controller's firing log.

Each firing is logged as 48 readings (every 15 min) of 4 channels:
chamber temperature, top/bottom thermocouple spread, O2 %, damper position.
"""
import math
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

L.seed_everything(11, verbose=False)

SENSORS = ["chamber_c", "spread_c", "o2_pct", "damper"]
DEFECTS = ["sound", "bloated", "crazed"]


@dataclass
class FiringConfig:
    n_readings: int = 48
    n_firings: int = 96
    batch_size: int = 8
    hidden: int = 16
    kernel: int = 5
    lr: float = 3e-3


def channels_first(reading):
    """(time, sensor) -> (sensor, time), the layout Conv1d wants."""
    return reading.transpose(0, 1)


def synth_firing(defect, n, gen):
    t = torch.linspace(0, 1, n)
    peak = 1240 + 25 * defect
    chamber = peak * torch.sin(t * math.pi / 2).clamp(min=0) + 20
    spread = 8 + 15 * (defect == 1) * t + torch.randn(n, generator=gen)
    o2 = 4 - 2.5 * (defect == 2) * (t > 0.7).float() + 0.2 * torch.randn(n, generator=gen)
    damper = (t > 0.85).float() * (0.5 + 0.3 * defect)
    return torch.stack([chamber / 1300, spread / 30, o2 / 5, damper], dim=1)  # (time, sensor)


class FiringLog(Dataset):
    def __init__(self, cfg, gen):
        self.labels = torch.randint(0, len(DEFECTS), (cfg.n_firings,), generator=gen)
        self.readings = [synth_firing(int(y), cfg.n_readings, gen) for y in self.labels]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.readings[i], self.labels[i]


class DefectSpotter(L.LightningModule):
    def __init__(self, cfg):
        super().__init__()
        self.save_hyperparameters(vars(cfg))
        self.conv = nn.Conv1d(len(SENSORS), cfg.hidden, cfg.kernel, padding=cfg.kernel // 2)
        self.head = nn.Linear(cfg.hidden, len(DEFECTS))
        self.lr = cfg.lr

    def forward(self, readings):
        x = channels_first(readings)
        x = F.relu(self.conv(x))
        x = x.mean(dim=-1)
        return self.head(x)

    def training_step(self, batch, batch_idx):
        readings, defect = batch
        loss = F.cross_entropy(self(readings), defect)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def main():
    cfg = FiringConfig()
    gen = torch.Generator().manual_seed(11)
    log = FiringLog(cfg, gen)
    # quick sanity check on one firing before training
    print("one firing, channels first:", tuple(channels_first(log[0][0]).shape))
    loader = DataLoader(log, batch_size=cfg.batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(11))
    trainer = L.Trainer(max_epochs=1, limit_train_batches=4, accelerator="cpu", devices=1,
                        logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False)
    trainer.fit(DefectSpotter(cfg), loader)
    print("done")


if __name__ == "__main__":
    main()
