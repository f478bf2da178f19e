import numpy as np
import torch
import torch.nn as nn
import lightning as L
from torch.utils.data import DataLoader, TensorDataset

HPARAMS = dict(
    n_templates=48,
    n_windows=1200,
    anomaly_rate=0.08,
    hidden=64,
    dropout=0.1,
    lr=2e-3,
    batch_size=64,
    max_epochs=3,
    seed=42,
)


def build_event_count_matrix(n_windows, n_templates, anomaly_rate, seed):
    """Rows are 5-minute windows, columns are log template ids, values are occurrence counts."""
    rng = np.random.default_rng(seed)
    base_rate = rng.gamma(shape=1.5, scale=4.0, size=n_templates)
    counts = rng.poisson(base_rate, size=(n_windows, n_templates)).astype(np.float32)
    labels = (rng.random(n_windows) < anomaly_rate).astype(np.float32)
    error_templates = rng.choice(n_templates, size=6, replace=False)
    for i in np.flatnonzero(labels):
        burst = rng.choice(error_templates, size=rng.integers(1, 4), replace=False)
        counts[i, burst] += rng.poisson(25, size=len(burst))
    return counts, labels


def tfidf_weight(counts):
    n_windows = counts.shape[0]
    df = (counts > 0).sum(axis=0)
    idf = np.log((n_windows + 1) / (df + 1)) + 1.0
    weighted = np.log1p(counts) * idf
    return weighted / (np.linalg.norm(weighted, axis=1, keepdims=True) + 1e-8)


class EventCountDataModule(L.LightningDataModule):
    def __init__(self, hp):
        super().__init__()
        self.hp = hp

    def setup(self, stage=None):
        counts, labels = build_event_count_matrix(
            self.hp["n_windows"], self.hp["n_templates"], self.hp["anomaly_rate"], self.hp["seed"]
        )
        feats = torch.from_numpy(tfidf_weight(counts).astype(np.float32))
        y = torch.from_numpy(labels)
        cut = int(0.8 * len(y))
        self.train_ds = TensorDataset(feats[:cut], y[:cut])
        self.val_ds = TensorDataset(feats[cut:], y[cut:])
        self.pos_frac = float(y[:cut].mean())

    def train_dataloader(self):
        return DataLoader(self.train_ds, batch_size=self.hp["batch_size"], shuffle=True)

    def val_dataloader(self):
        return DataLoader(self.val_ds, batch_size=256)


class WindowAnomalyClassifier(L.LightningModule):
    def __init__(self, n_templates, hidden, dropout, lr, **_):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(
            nn.Linear(n_templates, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden // 2),
            nn.ReLU(),
            nn.Linear(hidden // 2, 1),
        )
        self.loss_fn = nn.BCEWithLogitsLoss()

    def forward(self, x):
        return self.net(x).squeeze(-1)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = self.loss_fn(self(x), y)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        probs = torch.sigmoid(logits)
        pred = (probs > 0.5).float()
        tp = ((pred == 1) & (y == 1)).sum()
        fp = ((pred == 1) & (y == 0)).sum()
        fn = ((pred == 0) & (y == 1)).sum()
        f1 = 2 * tp / (2 * tp + fp + fn).clamp(min=1)
        self.log("val_loss", self.loss_fn(logits, y))
        self.log("val_f1", f1.float())

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def main():
    L.seed_everything(HPARAMS["seed"], verbose=False)
    dm = EventCountDataModule(HPARAMS)
    model = WindowAnomalyClassifier(**HPARAMS)
    trainer = L.Trainer(
        max_epochs=HPARAMS["max_epochs"],
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    trainer.fit(model, datamodule=dm)
    print({k: round(float(v), 4) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
