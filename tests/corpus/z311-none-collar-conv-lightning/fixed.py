"""Cow-collar accelerometer behaviour classifier (grazing / ruminating / resting / walking).

Windows of tri-axial accelerometer + gyroscope readings (6 channels, 10 s at 10 Hz)
are classified by a small temporal CNN with a per-frame head that is averaged over time.
"""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

import lightning.pytorch as pl

BEHAVIOURS = ["grazing", "ruminating", "resting", "walking"]


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--window", type=int, default=100)
    p.add_argument("--channels", type=int, default=6)
    p.add_argument("--conv-width", type=int, default=32)
    p.add_argument("--kernel", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--n-windows", type=int, default=256)
    return p.parse_args()


def simulate_collar_windows(n, window, channels, seed=7):
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 10, window)
    labels = rng.integers(0, len(BEHAVIOURS), size=n)
    data = np.empty((n, window, channels), dtype=np.float32)
    for i, lab in enumerate(labels):
        freq = [0.8, 1.2, 0.1, 2.0][lab]
        amp = [0.6, 0.3, 0.05, 1.0][lab]
        base = amp * np.sin(2 * np.pi * freq * t)[:, None]
        data[i] = base + 0.1 * rng.standard_normal((window, channels))
    return torch.from_numpy(data), torch.from_numpy(labels).long()


class CollarNet(pl.LightningModule):
    def __init__(self, channels, conv_width, kernel, n_classes, lr):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = nn.Sequential(
            nn.Conv1d(channels, conv_width, kernel),
            nn.BatchNorm1d(conv_width),
            nn.ReLU(),
            nn.Conv1d(conv_width, conv_width, kernel, padding=kernel // 2),
            nn.ReLU(),
        )
        self.frame_head = nn.Linear(conv_width, n_classes)

    def forward(self, x):
        # x: (batch, time, channels) as stored by the collar logger
        h = self.encoder(x.permute(0, 2, 1))
        h = h.permute(0, 2, 1)
        frame_logits = self.frame_head(h)
        return frame_logits.mean(dim=1)

    def training_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        loss = F.cross_entropy(logits, y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        acc = (self(x).argmax(-1) == y).float().mean()
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    args = parse_args()
    pl.seed_everything(11, verbose=False)
    x, y = simulate_collar_windows(args.n_windows, args.window, args.channels)
    split = int(0.8 * len(x))
    train_dl = DataLoader(TensorDataset(x[:split], y[:split]), batch_size=args.batch_size, shuffle=True)
    val_dl = DataLoader(TensorDataset(x[split:], y[split:]), batch_size=args.batch_size)

    model = CollarNet(args.channels, args.conv_width, args.kernel, len(BEHAVIOURS), args.lr)
    trainer = pl.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    trainer.fit(model, train_dl, val_dl)
    print("val_acc", trainer.callback_metrics.get("val_acc"))


if __name__ == "__main__":
    main()
