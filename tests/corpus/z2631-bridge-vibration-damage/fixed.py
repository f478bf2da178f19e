import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader
import lightning as L

CONFIG = {
    "fs": 200.0,              # accelerometer sampling rate, Hz
    "window_s": 5.0,
    "n_sensors": 4,
    "n_windows": 240,
    "damage_freq_drop": 0.08,  # stiffness loss shifts modal frequencies down
    "batch_size": 32,
    "lr": 1e-3,
    "max_epochs": 2,
    "seed": 21,
}


def simulate_deck_response(cfg, rng):
    """Ambient vibration of a bridge deck: a few damped modes + sensor noise, per sensor."""
    n = int(cfg["fs"] * cfg["window_s"])
    t = np.arange(n) / cfg["fs"]
    base_modes = np.array([2.4, 6.1, 11.8])
    X, y = [], []
    for _ in range(cfg["n_windows"]):
        damaged = rng.random() < 0.5
        modes = base_modes * (1.0 - cfg["damage_freq_drop"] * damaged)
        window = np.zeros((cfg["n_sensors"], n))
        for s in range(cfg["n_sensors"]):
            shape = np.sin(np.pi * (s + 1) / (cfg["n_sensors"] + 1) * np.arange(1, 4))
            for f, phi in zip(modes, shape):
                amp = phi * rng.lognormal(0, 0.3)
                window[s] += amp * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi)) * np.exp(-0.02 * t)
            window[s] += rng.normal(0, 0.15, n)
        X.append(window)
        y.append(int(damaged))
    return np.stack(X), np.array(y)


def spectral_features(X, fs, fmax=20.0):
    spec = np.abs(np.fft.rfft(X * np.hanning(X.shape[-1]), axis=-1))
    freqs = np.fft.rfftfreq(X.shape[-1], d=1.0 / fs)
    keep = freqs <= fmax
    spec = np.log1p(spec[..., keep])
    mu = spec.mean(axis=(0, 2), keepdims=True)
    sd = spec.std(axis=(0, 2), keepdims=True) + 1e-6
    return (spec - mu) / sd


class DamageDetector(L.LightningModule):
    def __init__(self, n_sensors, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(
            nn.Conv1d(n_sensors, 16, kernel_size=7, padding=3),
            nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(16, 32, kernel_size=5, padding=2),
            nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
            nn.Flatten(),
            nn.Linear(32, 2),
        )

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        spec, label = batch
        logits = self(spec)
        loss = F.cross_entropy(logits, label)
        acc = (logits.argmax(1) == label).float().mean()
        self.log_dict({"train_loss": loss, "train_acc": acc}, prog_bar=False)
        return loss

    def validation_step(self, batch, batch_idx):
        spec, label = batch
        logits = self(spec)
        self.log("val_loss", F.cross_entropy(logits, label))

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def make_loaders(cfg):
    rng = np.random.default_rng(cfg["seed"])
    X, y = simulate_deck_response(cfg, rng)
    feats = spectral_features(X, cfg["fs"]).astype(np.float32)
    split = int(0.8 * len(y))
    train_ds = TensorDataset(torch.from_numpy(feats[:split]), torch.from_numpy(y[:split]))
    val_ds = TensorDataset(torch.from_numpy(feats[split:]), torch.from_numpy(y[split:]))
    return (
        DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True),
        DataLoader(val_ds, batch_size=cfg["batch_size"]),
    )


def main(cfg=CONFIG):
    L.seed_everything(cfg["seed"], verbose=False)
    train_loader, val_loader = make_loaders(cfg)
    model = DamageDetector(cfg["n_sensors"], cfg["lr"])
    trainer = L.Trainer(
        max_epochs=cfg["max_epochs"],
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    trainer.fit(model, train_loader, val_loader)
    print("val_loss:", float(trainer.callback_metrics["val_loss"]))


if __name__ == "__main__":
    main()
