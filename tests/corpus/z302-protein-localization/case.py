"""Subcellular localization classifier for short protein fragments.

Amino-acid strings are mapped to integer ids, embedded, run through a small
1D CNN and max-pooled to predict one of four compartments.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
import lightning.pytorch as pl

AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
COMPARTMENTS = ["cytoplasm", "nucleus", "mitochondrion", "membrane"]
AA_TO_ID = {aa: i + 1 for i, aa in enumerate(AMINO_ACIDS)}  # 0 is padding


def synth_fragments(n, seed):
    rng = random.Random(seed)
    records = []
    for _ in range(n):
        label = rng.randrange(len(COMPARTMENTS))
        length = rng.randint(30, 90)
        motif = "KKRK" if label == 1 else ("LLVV" if label == 3 else "")
        seq = "".join(rng.choice(AMINO_ACIDS) for _ in range(length)) + motif
        records.append((seq, label))
    return records


class ProteinDataset(Dataset):
    def __init__(self, records, max_len):
        self.records = records
        self.max_len = max_len

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        seq, label = self.records[idx]
        ids = [AA_TO_ID[aa] for aa in seq[: self.max_len]]
        return torch.tensor(ids, dtype=torch.long), torch.tensor(label)


class LocalizationData(pl.LightningDataModule):
    def __init__(self, n_train=32, n_val=16, max_len=80, batch_size=16):
        super().__init__()
        self.n_train = n_train
        self.n_val = n_val
        self.max_len = max_len
        self.batch_size = batch_size

    def setup(self, stage=None):
        self.train_set = ProteinDataset(synth_fragments(self.n_train, seed=11), self.max_len)
        self.val_set = ProteinDataset(synth_fragments(self.n_val, seed=12), self.max_len)

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True)

    def val_dataloader(self):
        return DataLoader(self.val_set, batch_size=self.batch_size)


class LocalizationCNN(pl.LightningModule):
    def __init__(self, emb_dim=24, channels=48, lr=3e-3):
        super().__init__()
        self.save_hyperparameters()
        self.embed = nn.Embedding(len(AMINO_ACIDS) + 1, emb_dim, padding_idx=0)
        self.conv = nn.Conv1d(emb_dim, channels, kernel_size=5, padding=2)
        self.head = nn.Linear(channels, len(COMPARTMENTS))

    def forward(self, ids):
        x = self.embed(ids).transpose(1, 2)
        x = F.relu(self.conv(x))
        x = x.max(dim=2).values
        return self.head(x)

    def _step(self, batch):
        ids, labels = batch
        logits = self(ids)
        loss = F.cross_entropy(logits, labels)
        acc = (logits.argmax(-1) == labels).float().mean()
        return loss, acc

    def training_step(self, batch, batch_idx):
        loss, _ = self._step(batch)
        return loss

    def validation_step(self, batch, batch_idx):
        loss, acc = self._step(batch)
        self.log("val_acc", acc)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


if __name__ == "__main__":
    pl.seed_everything(7)
    dm = LocalizationData()
    model = LocalizationCNN()
    trainer = pl.Trainer(
        accelerator="cpu",
        max_epochs=1,
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
    )
    trainer.fit(model, datamodule=dm)
    print("done, val_acc =", trainer.callback_metrics.get("val_acc"))
