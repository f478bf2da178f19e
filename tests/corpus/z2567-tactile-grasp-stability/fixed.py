import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader, TensorDataset

TACTILE_CFG = {
    "sensor": "fingertip_4x4",
    "taxel_rows": 4,
    "taxel_cols": 4,
    "n_fingers": 2,
    "channels_per_taxel": 3,      # normal force, shear x, shear y
    "conv_widths": [32, 64],
    "dropout": 0.2,
    "n_samples": 256,
    "batch_size": 32,
    "lr": 1e-3,
    "max_epochs": 2,
    "seed": 11,
}


def synth_tactile(cfg):
    rng = np.random.default_rng(cfg["seed"])
    n = cfg["n_samples"]
    c = cfg["n_fingers"] * cfg["channels_per_taxel"]
    h, w = cfg["taxel_rows"], cfg["taxel_cols"]
    grip_force = rng.uniform(0.5, 6.0, size=n)
    shear = rng.uniform(0.0, 3.0, size=n)
    stable = (grip_force * 0.5 > shear).astype(np.float32)
    yy, xx = np.meshgrid(np.linspace(-1, 1, h), np.linspace(-1, 1, w), indexing="ij")
    frames = np.zeros((n, c, h, w), dtype=np.float32)
    for i in range(n):
        cx, cy = rng.normal(0, 0.3, 2)
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 0.5)
        for f in range(cfg["n_fingers"]):
            base = f * cfg["channels_per_taxel"]
            frames[i, base] = grip_force[i] * blob
            frames[i, base + 1] = shear[i] * blob * np.cos(f * np.pi)
            frames[i, base + 2] = shear[i] * blob * 0.3
    frames += rng.normal(0, 0.05, frames.shape).astype(np.float32)
    return torch.from_numpy(frames), torch.from_numpy(stable)


def conv_block(c_in, c_out):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size=3, padding=1),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class TactileStabilityNet(L.LightningModule):
    def __init__(self, cfg):
        super().__init__()
        self.save_hyperparameters(cfg)
        c = cfg["n_fingers"] * cfg["channels_per_taxel"]
        blocks = []
        for width in cfg["conv_widths"]:
            blocks.append(conv_block(c, width))
            c = width
        self.features = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(cfg["dropout"]),
            nn.Linear(c, 1),
        )

    def forward(self, x):
        return self.classifier(self.pool(self.features(x))).squeeze(-1)

    def training_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        loss = F.binary_cross_entropy_with_logits(logits, y)
        acc = ((logits > 0).float() == y).float().mean()
        self.log("train_loss", loss, prog_bar=False)
        self.log("train_acc", acc, prog_bar=False)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        self.log("val_loss", F.binary_cross_entropy_with_logits(logits, y))

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams["lr"])


def main(cfg):
    L.seed_everything(cfg["seed"], verbose=False)
    x, y = synth_tactile(cfg)
    split = int(0.8 * len(x))
    train_dl = DataLoader(TensorDataset(x[:split], y[:split]),
                          batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(TensorDataset(x[split:], y[split:]), batch_size=cfg["batch_size"])

    model = TactileStabilityNet(cfg)
    trainer = L.Trainer(
        max_epochs=cfg["max_epochs"],
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    trainer.fit(model, train_dl, val_dl)
    print({k: round(float(v), 4) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main(TACTILE_CFG)
