"""Bird-call species classifier on log-mel spectrogram patches (field recorder clips)."""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
import lightning.pytorch as pl


@dataclass
class AudioCfg:
    n_mels: int = 32
    frames: int = 48
    n_species: int = 6
    clips_per_species: int = 40
    batch_size: int = 16
    lr: float = 2e-3
    seed: int = 11


class SyntheticCalls(Dataset):
    """Each species gets a characteristic frequency band and chirp rate."""

    def __init__(self, cfg: AudioCfg):
        g = torch.Generator().manual_seed(cfg.seed)
        self.specs, self.species = [], []
        t = torch.arange(cfg.frames, dtype=torch.float32)
        for sp in range(cfg.n_species):
            base = 4 + sp * 4
            for _ in range(cfg.clips_per_species):
                spec = torch.randn(cfg.n_mels, cfg.frames, generator=g) * 0.3
                band = (base + 2 * torch.sin(t * (0.1 + 0.05 * sp))).long().clamp(0, cfg.n_mels - 1)
                spec[band, t.long()] += 2.5
                self.specs.append(torch.log1p(spec.clamp(min=0)))
                self.species.append(sp)

    def __len__(self):
        return len(self.specs)

    def __getitem__(self, i):
        return self.specs[i].unsqueeze(0), self.species[i]


def conv_block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1),
        nn.BatchNorm2d(cout),
        nn.ReLU(),
        nn.MaxPool2d(2),
    )


class CallNet(pl.LightningModule):
    def __init__(self, cfg: AudioCfg):
        super().__init__()
        self.cfg = cfg
        self.features = nn.Sequential(conv_block(1, 8), conv_block(8, 16), conv_block(16, 16))
        h, w = cfg.n_mels // 8, cfg.frames // 8
        self.embed_dim = 16 * h * w
        self.head = nn.Sequential(
            nn.Dropout(0.2),
            nn.Linear(self.embed_dim, 64),
            nn.ReLU(),
            nn.Linear(64, cfg.n_species),
        )

    def embed(self, spec):
        x = self.features(spec)
        return torch.flatten(x)

    def forward(self, spec):
        return self.head(self.embed(spec))

    def training_step(self, batch, batch_idx):
        spec, species = batch
        logits = self(spec)
        loss = F.cross_entropy(logits, species)
        acc = (logits.argmax(-1) == species).float().mean()
        self.log("train_acc", acc, prog_bar=False)
        return loss

    def configure_optimizers(self):
        opt = torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)
        steps = math.ceil(self.cfg.n_species * self.cfg.clips_per_species / self.cfg.batch_size)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=self.cfg.lr, total_steps=steps)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}


def main():
    cfg = AudioCfg()
    pl.seed_everything(cfg.seed, verbose=False)
    ds = SyntheticCalls(cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, num_workers=0)
    model = CallNet(cfg)
    trainer = pl.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
    )
    trainer.fit(model, loader)
    print("done, final loss logged:", trainer.callback_metrics)


if __name__ == "__main__":
    main()
