"""Sign-glove gesture recogniser.

A data glove streams 6 sensor channels (5 finger flex sensors + wrist IMU
roll) at 50 Hz.  Recordings of one gesture have different durations, so the
collate function pads every recording to the longest one in the batch.
"""
from dataclasses import dataclass

import lightning.pytorch as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class GloveConfig:
    n_sensors: int = 6
    n_gestures: int = 10
    min_frames: int = 40
    max_frames: int = 90
    n_recordings: int = 240
    hidden: int = 48
    batch_size: int = 16
    lr: float = 3e-3
    seed: int = 3


cfg = GloveConfig()
pl.seed_everything(cfg.seed, verbose=False)


class GloveRecordings(Dataset):
    def __init__(self, cfg: GloveConfig):
        g = torch.Generator().manual_seed(cfg.seed)
        self.items = []
        for _ in range(cfg.n_recordings):
            gesture = int(torch.randint(cfg.n_gestures, (1,), generator=g))
            frames = int(torch.randint(cfg.min_frames, cfg.max_frames + 1, (1,), generator=g))
            t = torch.linspace(0, 1, frames).unsqueeze(1)
            phase = torch.arange(cfg.n_sensors).float() * (gesture + 1) * 0.3
            signal = torch.sin(2 * torch.pi * (gesture + 1) * t + phase)
            signal = signal + 0.1 * torch.randn(frames, cfg.n_sensors, generator=g)
            self.items.append((signal, gesture))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def pad_recordings(batch):
    signals, gestures = zip(*batch)
    lengths = torch.tensor([s.shape[0] for s in signals])
    longest = int(lengths.max())
    padded = [F.pad(s, (0, longest - s.shape[0])) for s in signals]
    return torch.stack(padded), lengths, torch.tensor(gestures)


class GestureGRU(pl.LightningModule):
    def __init__(self, cfg: GloveConfig):
        super().__init__()
        self.cfg = cfg
        self.gru = nn.GRU(cfg.n_sensors, cfg.hidden, batch_first=True)
        self.out = nn.Linear(cfg.hidden, cfg.n_gestures)

    def forward(self, signals, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(signals, lengths, batch_first=True,
                                                   enforce_sorted=False)
        _, h_n = self.gru(packed)
        return self.out(h_n[-1])

    def training_step(self, batch, batch_idx):
        signals, lengths, gestures = batch
        logits = self(signals, lengths)
        loss = F.cross_entropy(logits, gestures)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        signals, lengths, gestures = batch
        acc = (self(signals, lengths).argmax(-1) == gestures).float().mean()
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.cfg.lr)


data = GloveRecordings(cfg)
train_set, val_set = torch.utils.data.random_split(
    data, [200, 40], generator=torch.Generator().manual_seed(cfg.seed))
train_loader = DataLoader(train_set, batch_size=cfg.batch_size, shuffle=True,
                          collate_fn=pad_recordings)
val_loader = DataLoader(val_set, batch_size=cfg.batch_size, collate_fn=pad_recordings)

trainer = pl.Trainer(max_epochs=1, enable_progress_bar=False, logger=False,
                     enable_checkpointing=False, enable_model_summary=False,
                     num_sanity_val_steps=0, accelerator="cpu")
trainer.fit(GestureGRU(cfg), train_loader, val_loader)
print("val_acc:", float(trainer.callback_metrics["val_acc"]))
