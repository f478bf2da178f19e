# sleep staging from 30 s wrist-actigraphy epochs (wake / light / deep / REM)
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
import lightning.pytorch as pl

STAGES = ["wake", "light", "deep", "rem"]
EPOCH_SAMPLES = 64      # downsampled accelerometer magnitude per 30 s epoch
BATCH = 16
pl.seed_everything(3, verbose=False)


def fake_nights(n_epochs, n_subjects=5):
    stage = torch.randint(0, len(STAGES), (n_epochs,))
    t = torch.linspace(0, 2 * math.pi, EPOCH_SAMPLES)
    scale = torch.tensor([1.0, 0.5, 0.15, 0.35])[stage].unsqueeze(1)
    freq = torch.tensor([3.0, 1.5, 0.5, 2.5])[stage].unsqueeze(1)
    signal = scale * torch.sin(freq * t) + 0.1 * torch.randn(n_epochs, EPOCH_SAMPLES)
    hr = 50 + 15 * scale.squeeze(1) + 2 * torch.randn(n_epochs)
    subject = torch.randint(0, n_subjects, (n_epochs,))
    return signal.unsqueeze(1), hr.unsqueeze(1), stage, subject


train_set = TensorDataset(*fake_nights(32))
val_set = TensorDataset(*fake_nights(100))
train_loader = DataLoader(train_set, batch_size=BATCH, shuffle=True)
val_loader = DataLoader(val_set, batch_size=BATCH)


class SleepStager(pl.LightningModule):
    def __init__(self, n_stages=4, channels=16, lr=2e-3, batch_size=BATCH):
        super().__init__()
        self.save_hyperparameters()
        self.conv = nn.Sequential(
            nn.Conv1d(1, channels, 7, padding=3), nn.ReLU(),
            nn.MaxPool1d(4),
            nn.Conv1d(channels, channels, 5, padding=2), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.head = nn.Linear(channels + 1, n_stages)
        self.night_log = []

    def forward(self, signal, hr):
        feats = self.conv(signal).squeeze(-1)
        return self.head(torch.cat([feats, (hr - 60) / 15], dim=1))

    def training_step(self, batch, batch_idx):
        signal, hr, stage, _ = batch
        loss = F.cross_entropy(self(signal, hr), stage)
        self.log("train_loss", loss)
        return loss

    def on_validation_epoch_start(self):
        self.night_log = []

    def validation_step(self, batch, batch_idx):
        signal, hr, stage, subject = batch
        logits = self(signal, hr)
        probs = logits.softmax(dim=-1)
        pred = probs.argmax(dim=-1)
        self.log("val_loss", F.cross_entropy(logits, stage))
        for i in range(stage.size(0)):
            self.night_log.append({
                "subject": int(subject[i]),
                "pred": STAGES[pred[i]],
                "true": STAGES[stage[i]],
                "conf": float(probs[i, pred[i]]),
            })

    def on_validation_epoch_end(self):
        if not self.night_log:
            return
        acc = sum(r["pred"] == r["true"] for r in self.night_log) / len(self.night_log)
        deep_pred = sum(r["pred"] == "deep" for r in self.night_log)
        self.log("val_acc", acc)
        print(f"val epochs={len(self.night_log)} acc={acc:.3f} deep predicted={deep_pred}")

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


model = SleepStager()
trainer = pl.Trainer(
    max_epochs=1,
    accelerator="cpu",
    enable_progress_bar=False,
    enable_model_summary=False,
    logger=False,
    enable_checkpointing=False,
)
trainer.fit(model, train_loader, val_loader)
print("done:", {k: round(float(v), 4) for k, v in trainer.callback_metrics.items()})
