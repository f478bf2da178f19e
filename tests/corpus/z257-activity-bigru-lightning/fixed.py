import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
import lightning as L

ACTIVITIES = ["walking", "running", "sitting", "standing", "stairs_up", "stairs_down"]


@dataclass
class HParams:
    channels: int = 3
    window: int = 50
    hidden: int = 64
    n_classes: int = len(ACTIVITIES)
    bidirectional: bool = True
    lr: float = 2e-3


def synth_windows(n_per_class, window, seed=0):
    g = torch.Generator().manual_seed(seed)
    xs, ys = [], []
    t = torch.arange(window, dtype=torch.float32)
    for label, _ in enumerate(ACTIVITIES):
        freq = 0.05 + 0.04 * label
        for _ in range(n_per_class):
            phase = torch.rand(1, generator=g) * 2 * math.pi
            base = torch.sin(2 * math.pi * freq * t + phase)
            noise = 0.3 * torch.randn(3, window, generator=g)
            xs.append(torch.stack([base, base * 0.5, torch.cos(2 * math.pi * freq * t)]) + noise)
            ys.append(label)
    return torch.stack(xs).transpose(1, 2), torch.tensor(ys)


class ActivityRecognizer(L.LightningModule):
    def __init__(self, hp: HParams):
        super().__init__()
        self.hp = hp
        self.proj = nn.Linear(hp.channels, hp.hidden)
        self.rnn = nn.GRU(hp.hidden, hp.hidden, batch_first=True, bidirectional=hp.bidirectional)
        self.classifier = nn.Sequential(nn.Dropout(0.1), nn.Linear(hp.hidden * (2 if hp.bidirectional else 1), hp.n_classes))

    def forward(self, windows):
        feats = torch.relu(self.proj(windows))
        seq_out, _ = self.rnn(feats)
        summary = seq_out.mean(dim=1)
        return self.classifier(summary)

    def training_step(self, batch, batch_idx):
        windows, activity = batch
        logits = self(windows)
        loss = F.cross_entropy(logits, activity)
        acc = (logits.argmax(-1) == activity).float().mean()
        self.log_dict({"train_loss": loss, "train_acc": acc})
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hp.lr)


if __name__ == "__main__":
    L.seed_everything(0, verbose=False)
    hp = HParams()
    x, y = synth_windows(3, hp.window)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
    model = ActivityRecognizer(hp)
    trainer = L.Trainer(
        accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
        enable_progress_bar=False, enable_model_summary=False,
    )
    trainer.fit(model, loader)
    print("trained", trainer.global_step, "steps")
