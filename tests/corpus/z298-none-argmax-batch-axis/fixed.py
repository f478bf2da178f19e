"""Bird-call species classifier on log-mel summary features, trained with Lightning."""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
import lightning.pytorch as pl

SPECIES = ["wren", "robin", "blackbird", "chiffchaff", "blackcap"]


@dataclass
class HParams:
    n_mels: int = 40
    frames: int = 24
    hidden: int = 64
    batch_size: int = 32
    lr: float = 2e-3
    n_train: int = 256
    n_val: int = 96
    seed: int = 7


def make_calls(n, hp, gen):
    labels = torch.randint(0, len(SPECIES), (n,), generator=gen)
    centers = torch.linspace(0, hp.n_mels - 1, len(SPECIES))
    mel_axis = torch.arange(hp.n_mels).float()
    spec = torch.randn(n, hp.frames, hp.n_mels, generator=gen) * 0.5
    for i in range(n):
        bump = torch.exp(-0.5 * ((mel_axis - centers[labels[i]]) / 3.0) ** 2)
        spec[i] += 2.0 * bump
    return spec, labels


class CallNet(pl.LightningModule):
    def __init__(self, hp: HParams):
        super().__init__()
        self.hp = hp
        self.frame_proj = nn.Linear(hp.n_mels, hp.hidden)
        self.gru = nn.GRU(hp.hidden, hp.hidden, batch_first=True)
        self.out = nn.Linear(hp.hidden, len(SPECIES))
        self.register_buffer("confmat", torch.zeros(len(SPECIES), len(SPECIES), dtype=torch.long))

    def forward(self, spec):
        h = torch.relu(self.frame_proj(spec))
        _, last = self.gru(h)
        return self.out(last.squeeze(0))

    def training_step(self, batch, batch_idx):
        spec, y = batch
        loss = F.cross_entropy(self(spec), y)
        self.log("train_loss", loss)
        return loss

    def on_validation_epoch_start(self):
        self.confmat.zero_()

    def validation_step(self, batch, batch_idx):
        spec, y = batch
        logits = self(spec)
        self.log("val_loss", F.cross_entropy(logits, y))
        preds = logits.argmax(dim=1)
        for p, t in zip(preds, y):
            self.confmat[t, p] += 1

    def on_validation_epoch_end(self):
        correct = self.confmat.diag().sum().item()
        total = max(self.confmat.sum().item(), 1)
        self.log("val_acc", correct / total)
        per_class = self.confmat.diag().float() / self.confmat.sum(1).clamp(min=1)
        for name, acc in zip(SPECIES, per_class.tolist()):
            print(f"{name:>11s}: {acc:.2f}")

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hp.lr)


def main():
    hp = HParams()
    pl.seed_everything(hp.seed)
    gen = torch.Generator().manual_seed(hp.seed)
    train_ds = TensorDataset(*make_calls(hp.n_train, hp, gen))
    val_ds = TensorDataset(*make_calls(hp.n_val, hp, gen))
    train_dl = DataLoader(train_ds, batch_size=hp.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=hp.batch_size)

    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                         logger=False, enable_checkpointing=False, enable_model_summary=False,
                         num_sanity_val_steps=0)
    trainer.fit(CallNet(hp), train_dl, val_dl)


if __name__ == "__main__":
    main()
