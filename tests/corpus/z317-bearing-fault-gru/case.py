"""Classify bearing faults (healthy / inner race / outer race / ball) from 3-axis vibration windows."""
import argparse
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
import lightning.pytorch as pl

FAULT_CLASSES = ["healthy", "inner_race", "outer_race", "ball"]


def synth_vibration(n_windows, window_len, seed=0):
    """Each fault type adds a characteristic frequency on top of shaft rotation + noise."""
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(window_len, dtype=torch.float32) / 2000.0
    fault_freqs = [0.0, 162.0, 107.0, 141.0]
    xs, ys = [], []
    for _ in range(n_windows):
        label = int(torch.randint(0, len(FAULT_CLASSES), (1,), generator=g))
        shaft = torch.sin(2 * math.pi * 30.0 * t)
        fault = 0.6 * torch.sin(2 * math.pi * fault_freqs[label] * t) if label else torch.zeros_like(t)
        axes = []
        for axis_gain in (1.0, 0.7, 0.4):
            noise = 0.2 * torch.randn(window_len, generator=g)
            axes.append(axis_gain * (shaft + fault) + noise)
        xs.append(torch.stack(axes, dim=-1))
        ys.append(label)
    return torch.stack(xs), torch.tensor(ys)


class VibrationEncoder(nn.Module):
    def __init__(self, n_channels, hidden_dim, num_layers=1):
        super().__init__()
        self.proj = nn.Linear(n_channels, hidden_dim)
        self.rnn = nn.GRU(hidden_dim, hidden_dim, num_layers=num_layers,
                          batch_first=True, bidirectional=True)

    def forward(self, x):
        h = torch.tanh(self.proj(x))
        out, _ = self.rnn(h)
        return out.mean(dim=1)


class BearingFaultModule(pl.LightningModule):
    def __init__(self, n_channels=3, hidden_dim=48, n_classes=4, dropout=0.1, lr=3e-3):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = VibrationEncoder(n_channels, hidden_dim)
        self.head = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(self.hparams.hidden_dim, n_classes),
        )

    def forward(self, x):
        return self.head(self.encoder(x))

    def training_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        loss = F.cross_entropy(logits, y)
        acc = (logits.argmax(-1) == y).float().mean()
        self.log_dict({"train_loss": loss, "train_acc": acc}, prog_bar=False)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        self.log("val_loss", F.cross_entropy(logits, y))

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def build_loaders(args):
    x, y = synth_vibration(args.n_windows, args.window_len, seed=args.seed)
    split = int(0.8 * len(x))
    train = TensorDataset(x[:split], y[:split])
    val = TensorDataset(x[split:], y[split:])
    return (DataLoader(train, batch_size=args.batch_size, shuffle=True),
            DataLoader(val, batch_size=args.batch_size))


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-windows", type=int, default=24)
    p.add_argument("--window-len", type=int, default=128)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--hidden-dim", type=int, default=48)
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args()


if __name__ == "__main__":
    args = parse_args()
    pl.seed_everything(args.seed, verbose=False)
    train_dl, val_dl = build_loaders(args)
    model = BearingFaultModule(hidden_dim=args.hidden_dim, n_classes=len(FAULT_CLASSES))
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
    print("validation:", trainer.validate(model, val_dl, verbose=False))
