import math
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

ACTIVITIES = ["walking", "running", "sitting", "stairs_up", "stairs_down"]


@dataclass
class WindowSpec:
    length: int = 50
    channels: int = 3
    rate_hz: float = 25.0


def synth_window(activity_idx, spec):
    t = torch.arange(spec.length) / spec.rate_hz
    freq = 0.5 + 0.8 * activity_idx
    amp = 0.2 if ACTIVITIES[activity_idx] == "sitting" else 1.0 + 0.3 * activity_idx
    axes = [amp * torch.sin(2 * math.pi * freq * t + phase) for phase in (0.0, 1.1, 2.3)]
    sig = torch.stack(axes, dim=-1)
    return sig + 0.1 * torch.randn_like(sig)


class AccelWindows(Dataset):
    def __init__(self, n_per_class, spec):
        self.items = [(synth_window(a, spec), a) for a in range(len(ACTIVITIES)) for _ in range(n_per_class)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        window, activity = self.items[idx]
        return window, activity


class ActivityRNN(L.LightningModule):
    def __init__(self, in_ch, hidden, n_classes, lr=3e-3):
        super().__init__()
        self.save_hyperparameters()
        self.rnn = nn.LSTM(in_ch, hidden, num_layers=1, batch_first=True)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(hidden, n_classes))

    def forward(self, windows):
        seq_out, _ = self.rnn(windows)
        last_step = seq_out[:, -1]
        return self.head(last_step)

    def training_step(self, batch, batch_idx):
        windows, activity = batch
        scores = self(windows)
        loss = F.cross_entropy(scores, activity)
        acc = (scores.argmax(-1) == activity).float().mean()
        self.log_dict({"train_loss": loss, "train_acc": acc}, prog_bar=True)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


spec = WindowSpec()
train_ds = AccelWindows(n_per_class=12, spec=spec)
loader = DataLoader(train_ds, batch_size=16, shuffle=True)
model = ActivityRNN(spec.channels, hidden=32, n_classes=len(ACTIVITIES))

trainer = L.Trainer(
    max_epochs=2,
    accelerator="cpu",
    default_root_dir=tempfile.mkdtemp(),
    logger=False,
    enable_checkpointing=False,
    enable_model_summary=False,
)
trainer.fit(model, loader)
print("trained", trainer.callback_metrics)
