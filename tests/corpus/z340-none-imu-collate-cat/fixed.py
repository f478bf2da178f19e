"""Human activity recognition from a wrist IMU (3-axis accel + 3-axis gyro).

Windows of 64 samples at 32 Hz are classified into walking / running / cycling /
stairs / idle with a small 1-D CNN trained through Lightning.
"""
import math

import lightning.pytorch as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

ACTIVITIES = ["walking", "running", "cycling", "stairs", "idle"]
CHANNELS = 6
WINDOW = 64
HPARAMS = {"batch_size": 16, "lr": 2e-3, "conv_width": 32, "kernel": 5}


def synth_recording(activity, n_windows, gen):
    """Fake sensor traces: each activity has its own cadence and amplitude."""
    freq = [1.8, 2.9, 1.2, 1.5, 0.1][activity]
    amp = [1.0, 2.2, 0.8, 1.3, 0.05][activity]
    t = torch.arange(n_windows * WINDOW, dtype=torch.float32) / 32.0
    phase = torch.rand(CHANNELS, 1, generator=gen) * 2 * math.pi
    signal = amp * torch.sin(2 * math.pi * freq * t + phase)
    signal = signal + 0.3 * torch.randn(CHANNELS, t.numel(), generator=gen)
    return signal


class IMUWindows(Dataset):
    def __init__(self, windows_per_activity, seed):
        gen = torch.Generator().manual_seed(seed)
        self.windows, self.labels = [], []
        for act in range(len(ACTIVITIES)):
            rec = synth_recording(act, windows_per_activity, gen)
            for w in rec.split(WINDOW, dim=1):
                self.windows.append(w)
                self.labels.append(act)

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, idx):
        x = self.windows[idx]
        x = (x - x.mean(dim=1, keepdim=True)) / (x.std(dim=1, keepdim=True) + 1e-6)
        return x, self.labels[idx]


def collate_windows(batch):
    xs = torch.stack([item[0] for item in batch])
    ys = torch.tensor([item[1] for item in batch], dtype=torch.long)
    return xs, ys


class ActivityCNN(pl.LightningModule):
    def __init__(self, hparams):
        super().__init__()
        self.save_hyperparameters(hparams)
        width, k = hparams["conv_width"], hparams["kernel"]
        self.features = nn.Sequential(
            nn.Conv1d(CHANNELS, width, k, padding=k // 2), nn.BatchNorm1d(width), nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(width, width * 2, k, padding=k // 2), nn.BatchNorm1d(width * 2), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.classifier = nn.Linear(width * 2, len(ACTIVITIES))

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        self.log("val_loss", F.cross_entropy(logits, y))
        self.log("val_acc", (logits.argmax(-1) == y).float().mean())

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams["lr"])


if __name__ == "__main__":
    pl.seed_everything(11)
    train_loader = DataLoader(IMUWindows(24, seed=0), batch_size=HPARAMS["batch_size"],
                              shuffle=True, collate_fn=collate_windows)
    val_loader = DataLoader(IMUWindows(6, seed=1), batch_size=HPARAMS["batch_size"],
                            collate_fn=collate_windows)
    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                         enable_checkpointing=False, enable_model_summary=False,
                         num_sanity_val_steps=0)
    trainer.fit(ActivityCNN(HPARAMS), train_loader, val_loader)
    print("done:", {k: round(float(v), 4) for k, v in trainer.callback_metrics.items()})
