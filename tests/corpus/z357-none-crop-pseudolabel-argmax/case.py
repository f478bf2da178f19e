"""Semi-supervised crop-type mapping from per-pixel NDVI time series (mean-teacher pseudo-labels)."""
import copy
import math

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset

CROPS = ["wheat", "maize", "rapeseed", "sugar_beet", "barley", "grassland"]
N_DATES = 24


def ndvi_curve(crop_idx, gen):
    t = torch.linspace(0, 1, N_DATES)
    peak = 0.25 + 0.09 * crop_idx
    width = 0.08 + 0.02 * (crop_idx % 3)
    curve = 0.15 + 0.7 * torch.exp(-((t - peak) ** 2) / (2 * width ** 2))
    return curve + 0.05 * torch.randn(N_DATES, generator=gen)


class PixelPairs(Dataset):
    """Each item: one labelled pixel and one unlabelled pixel from the same tile."""

    def __init__(self, n_labelled, n_unlabelled, seed=5):
        gen = torch.Generator().manual_seed(seed)
        self.y = torch.randint(0, len(CROPS), (n_labelled,), generator=gen)
        self.x = torch.stack([ndvi_curve(int(c), gen) for c in self.y])
        hidden = torch.randint(0, len(CROPS), (n_unlabelled,), generator=gen)
        self.u = torch.stack([ndvi_curve(int(c), gen) for c in hidden])

    def __len__(self):
        return len(self.u)

    def __getitem__(self, i):
        j = i % len(self.y)
        return self.x[j], self.y[j], self.u[i]


class TemporalCNN(nn.Module):
    def __init__(self, n_classes, width=32):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(1, width, 5, padding=2), nn.ReLU(),
            nn.Conv1d(width, width, 5, padding=2), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1), nn.Flatten(),
        )
        self.head = nn.Linear(width, n_classes)

    def forward(self, series):
        return self.head(self.body(series.unsqueeze(1)))


class MeanTeacherCrops(pl.LightningModule):
    def __init__(self, n_classes=len(CROPS), ema=0.99, threshold=0.6, unl_weight=1.0, lr=2e-3):
        super().__init__()
        self.save_hyperparameters()
        self.student = TemporalCNN(n_classes)
        self.teacher = copy.deepcopy(self.student).requires_grad_(False)

    def training_step(self, batch, batch_idx):
        x_lab, y_lab, x_unl = batch
        sup_loss = F.cross_entropy(self.student(x_lab), y_lab)

        with torch.no_grad():
            teacher_probs = self.teacher(x_unl + 0.02 * torch.randn_like(x_unl)).softmax(dim=-1)
        confidence = teacher_probs.max(dim=-1).values
        pseudo = teacher_probs.argmax(0)
        keep = (confidence >= self.hparams.threshold).float()

        unl_logits = self.student(x_unl + 0.02 * torch.randn_like(x_unl))
        unl_loss = (F.cross_entropy(unl_logits, pseudo, reduction="none") * keep).mean()
        ramp = math.exp(-5 * (1 - min(1.0, self.global_step / 50)) ** 2)
        loss = sup_loss + self.hparams.unl_weight * ramp * unl_loss
        self.log_dict({"sup": sup_loss, "unl": unl_loss}, prog_bar=False)
        return loss

    def on_train_batch_end(self, outputs, batch, batch_idx):
        with torch.no_grad():
            for t_p, s_p in zip(self.teacher.parameters(), self.student.parameters()):
                t_p.mul_(self.hparams.ema).add_(s_p, alpha=1 - self.hparams.ema)

    def configure_optimizers(self):
        return torch.optim.Adam(self.student.parameters(), lr=self.hparams.lr)


if __name__ == "__main__":
    pl.seed_everything(13, verbose=False)
    loader = DataLoader(PixelPairs(n_labelled=120, n_unlabelled=960), batch_size=32, shuffle=True)
    model = MeanTeacherCrops()
    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                         enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)
    probe = torch.stack([ndvi_curve(i, torch.Generator().manual_seed(99)) for i in range(len(CROPS))])
    with torch.no_grad():
        print("predicted:", [CROPS[i] for i in model.student(probe).argmax(dim=-1).tolist()])
