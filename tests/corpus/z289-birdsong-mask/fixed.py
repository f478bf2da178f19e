"""Bird-call species classifier on variable-length MFCC frame sequences.

Recordings from the field units are chopped into clips of 20-60 frames,
each frame a 24-dim MFCC vector. A small transformer encoder pools the
frames (masked mean) and predicts one of the monitored species.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, random_split

import lightning.pytorch as pl

HPARAMS = {
    "n_mfcc": 24,
    "max_frames": 64,
    "d_model": 48,
    "n_heads": 4,
    "n_layers": 2,
    "n_species": 6,
    "batch_size": 16,
    "lr": 3e-4,
}


class ClipDataset(Dataset):
    def __init__(self, n_clips, n_mfcc, n_species, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.clips, self.species = [], []
        for _ in range(n_clips):
            n_frames = int(torch.randint(20, 61, (1,), generator=g))
            sp = int(torch.randint(0, n_species, (1,), generator=g))
            base = torch.randn(n_mfcc, generator=g) * 0.1 + sp * 0.3
            clip = base + 0.5 * torch.randn(n_frames, n_mfcc, generator=g)
            self.clips.append(clip)
            self.species.append(sp)

    def __len__(self):
        return len(self.clips)

    def __getitem__(self, i):
        return self.clips[i], self.species[i]


def pad_clips(batch):
    clips, species = zip(*batch)
    lengths = torch.tensor([c.shape[0] for c in clips])
    frames = nn.utils.rnn.pad_sequence(list(clips), batch_first=True)
    frame_mask = torch.arange(frames.shape[1])[None, :] < lengths[:, None]
    return {
        "frames": frames,
        "frame_mask": frame_mask,
        "species": torch.tensor(species, dtype=torch.long),
    }


class BirdCallData(pl.LightningDataModule):
    def __init__(self, hp):
        super().__init__()
        self.hp = hp

    def setup(self, stage=None):
        full = ClipDataset(320, self.hp["n_mfcc"], self.hp["n_species"], seed=7)
        self.train_set, self.val_set = random_split(
            full, [256, 64], generator=torch.Generator().manual_seed(1)
        )

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.hp["batch_size"],
                          shuffle=True, collate_fn=pad_clips)

    def val_dataloader(self):
        return DataLoader(self.val_set, batch_size=self.hp["batch_size"],
                          collate_fn=pad_clips)


class BirdCallNet(pl.LightningModule):
    def __init__(self, hp):
        super().__init__()
        self.save_hyperparameters(hp)
        self.proj = nn.Linear(hp["n_mfcc"], hp["d_model"])
        self.pos = nn.Parameter(torch.randn(1, hp["max_frames"], hp["d_model"]) * 0.02)
        layer = nn.TransformerEncoderLayer(hp["d_model"], hp["n_heads"],
                                           dim_feedforward=2 * hp["d_model"],
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, hp["n_layers"])
        self.head = nn.Linear(hp["d_model"], hp["n_species"])

    def forward(self, frames, frame_mask):
        t = frames.shape[1]
        h = self.proj(frames) * math.sqrt(self.hparams.d_model) + self.pos[:, :t]
        h = self.encoder(h)
        m = frame_mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled)

    def _shared_step(self, batch):
        logits = self(batch["frames"], batch["frame_mask"])
        loss = F.cross_entropy(logits, batch["species"])
        acc = (logits.argmax(-1) == batch["species"]).float().mean()
        return loss, acc

    def training_step(self, batch, batch_idx):
        loss, acc = self._shared_step(batch)
        self.log("train_loss", loss)
        self.log("train_acc", acc)
        return loss

    def validation_step(self, batch, batch_idx):
        loss, acc = self._shared_step(batch)
        self.log("val_loss", loss)
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    pl.seed_everything(13)
    dm = BirdCallData(HPARAMS)
    model = BirdCallNet(HPARAMS)
    trainer = pl.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    trainer.fit(model, datamodule=dm)
    print("val metrics:", {k: float(v) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
