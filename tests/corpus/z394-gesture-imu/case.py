"""Recognise wrist gestures (swipe / circle / shake / tap) from variable-length smartwatch IMU recordings."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import DataLoader, Dataset
import lightning.pytorch as pl

GESTURES = ["swipe_left", "swipe_right", "circle", "shake", "tap"]
SAMPLE_HZ = 50


class GestureRecordings(Dataset):
    """Each recording is (T, 6): accel xyz + gyro xyz, T between 0.6 s and 1.8 s of samples."""

    def __init__(self, n, seed):
        g = torch.Generator().manual_seed(seed)
        self.items = []
        for _ in range(n):
            label = int(torch.randint(len(GESTURES), (1,), generator=g))
            T = int(torch.randint(int(0.6 * SAMPLE_HZ), int(1.8 * SAMPLE_HZ), (1,), generator=g))
            t = torch.linspace(0, 1, T).unsqueeze(1)
            freq = 1.0 + label
            base = torch.cat([torch.sin(2 * math.pi * freq * t + k) for k in range(6)], dim=1)
            noise = 0.2 * torch.randn(T, 6, generator=g)
            self.items.append((base + noise, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        signal, label = self.items[idx]
        return {"signal": signal, "length": signal.shape[0], "label": label}


class GestureDataModule(pl.LightningDataModule):
    def __init__(self, batch_size=16):
        super().__init__()
        self.batch_size = batch_size

    def setup(self, stage=None):
        self.train_set = GestureRecordings(96, seed=1)
        self.val_set = GestureRecordings(32, seed=2)

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True)

    def val_dataloader(self):
        return DataLoader(self.val_set, batch_size=self.batch_size)


class GestureGRU(pl.LightningModule):
    def __init__(self, n_channels=6, hidden=32, n_classes=len(GESTURES), lr=2e-3):
        super().__init__()
        self.save_hyperparameters()
        self.norm = nn.LayerNorm(n_channels)
        self.rnn = nn.GRU(n_channels, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_classes)

    def forward(self, signal, length):
        packed = pack_padded_sequence(self.norm(signal), length.cpu(), batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(packed)
        summary = torch.cat([h_n[0], h_n[1]], dim=1)
        return self.head(summary)

    def _shared_step(self, batch):
        logits = self(batch["signal"], batch["length"])
        loss = F.cross_entropy(logits, batch["label"])
        acc = (logits.argmax(1) == batch["label"]).float().mean()
        return loss, acc

    def training_step(self, batch, batch_idx):
        loss, acc = self._shared_step(batch)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        loss, acc = self._shared_step(batch)
        self.log("val_loss", loss)
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


if __name__ == "__main__":
    pl.seed_everything(0)
    dm = GestureDataModule(batch_size=16)
    model = GestureGRU()
    trainer = pl.Trainer(
        max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
        enable_checkpointing=False, enable_model_summary=False, num_sanity_val_steps=0,
    )
    trainer.fit(model, datamodule=dm)
    print(trainer.callback_metrics)
