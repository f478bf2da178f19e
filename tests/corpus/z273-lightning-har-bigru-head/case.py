import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
import lightning as L

ACTIVITIES = ["walking", "running", "stairs_up", "stairs_down", "sitting", "lying"]
WINDOW = 50
CHANNELS = 3


def synth_windows(n_per_class, seed=0):
    g = torch.Generator().manual_seed(seed)
    xs, ys = [], []
    t = torch.linspace(0, 2 * math.pi, WINDOW)
    for label, _ in enumerate(ACTIVITIES):
        freq = 0.5 + label * 0.7
        amp = 1.5 if label < 4 else 0.1
        for _ in range(n_per_class):
            base = amp * torch.sin(freq * t + torch.rand(1, generator=g) * 6.28)
            sig = torch.stack([base, 0.5 * base.roll(3), torch.full_like(base, 1.0 - 0.1 * label)], dim=-1)
            xs.append(sig + 0.2 * torch.randn(WINDOW, CHANNELS, generator=g))
            ys.append(label)
    return torch.stack(xs), torch.tensor(ys)


class ActivityGRU(L.LightningModule):
    def __init__(self, hidden=48, lr=2e-3):
        super().__init__()
        self.save_hyperparameters()
        self.rnn = nn.GRU(CHANNELS, hidden, num_layers=1, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(0.2)
        self.classifier = nn.Linear(hidden, len(ACTIVITIES))

    def forward(self, windows):
        _, h_n = self.rnn(windows)
        summary = torch.cat([h_n[-2], h_n[-1]], dim=1)
        return self.classifier(self.drop(summary))

    def _shared(self, batch):
        windows, target = batch
        scores = self(windows)
        return F.cross_entropy(scores, target), (scores.argmax(1) == target).float().mean()

    def training_step(self, batch, batch_idx):
        loss, acc = self._shared(batch)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        loss, acc = self._shared(batch)
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


if __name__ == "__main__":
    L.seed_everything(7, verbose=False)
    x_tr, y_tr = synth_windows(8, seed=1)
    x_va, y_va = synth_windows(5, seed=2)
    train_dl = DataLoader(TensorDataset(x_tr, y_tr), batch_size=16, shuffle=True)
    val_dl = DataLoader(TensorDataset(x_va, y_va), batch_size=32)

    trainer = L.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, num_sanity_val_steps=0)
    model = ActivityGRU()
    trainer.fit(model, train_dl, val_dl)
    print(trainer.callback_metrics)
