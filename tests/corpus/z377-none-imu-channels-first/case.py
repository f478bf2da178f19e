"""Human activity recognition from wrist IMU windows (accelerometer + gyroscope), Lightning training."""
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
import lightning.pytorch as pl

ACTIVITIES = ["walking", "stairs_up", "stairs_down", "sitting", "standing", "cycling"]
SENSOR_AXES = ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"]


@dataclass
class HarConfig:
    window: int = 50          # 1 s at 50 Hz
    frame_dim: int = 64
    gru_hidden: int = 48
    batch_size: int = 32
    lr: float = 2e-3
    n_windows: int = 256
    seed: int = 3


def simulate_recording(n_windows, window, rng):
    """Return a dict of per-axis arrays (n_windows, window) and an activity label per window."""
    labels = rng.integers(0, len(ACTIVITIES), size=n_windows)
    t = np.linspace(0, 1, window, dtype=np.float32)
    axes = {}
    for k, name in enumerate(SENSOR_AXES):
        freq = 1.0 + labels[:, None] * 0.7 + k * 0.1
        axes[name] = (np.sin(2 * np.pi * freq * t[None, :]) + 0.3 * rng.standard_normal((n_windows, window))).astype(np.float32)
    return axes, labels


class ImuWindows(Dataset):
    def __init__(self, axes, labels):
        self.axes = axes
        self.labels = labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        window = np.stack([self.axes[name][i] for name in SENSOR_AXES])
        return torch.from_numpy(window), int(self.labels[i])


class ActivityNet(pl.LightningModule):
    def __init__(self, cfg: HarConfig):
        super().__init__()
        self.cfg = cfg
        self.frame_encoder = nn.Sequential(nn.Linear(len(SENSOR_AXES), cfg.frame_dim), nn.ReLU())
        self.gru = nn.GRU(cfg.frame_dim, cfg.gru_hidden, batch_first=True)
        self.head = nn.Linear(cfg.gru_hidden, len(ACTIVITIES))
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, signals):
        frames = self.frame_encoder(signals)
        _, last = self.gru(frames)
        return self.head(last[-1])

    def training_step(self, batch, batch_idx):
        signals, activity = batch
        loss = self.loss_fn(self(signals), activity)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        signals, activity = batch
        acc = (self(signals).argmax(-1) == activity).float().mean()
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.cfg.lr)


def main():
    cfg = HarConfig()
    pl.seed_everything(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    axes, labels = simulate_recording(cfg.n_windows, cfg.window, rng)
    split = int(0.8 * cfg.n_windows)
    train_ds = ImuWindows({k: v[:split] for k, v in axes.items()}, labels[:split])
    val_ds = ImuWindows({k: v[split:] for k, v in axes.items()}, labels[split:])

    train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = ActivityNet(cfg)
    trainer = pl.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    trainer.fit(model, train_loader, val_loader)
    print("done")


if __name__ == "__main__":
    main()
