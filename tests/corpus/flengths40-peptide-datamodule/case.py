import random
from dataclasses import dataclass

import lightning.pytorch as pl
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

AMINO = "ACDEFGHIKLMNPQRSTVWY"
PAD_ID = 0


@dataclass
class PeptideConfig:
    max_len: int = 24
    embed_dim: int = 32
    batch_size: int = 8
    n_train: int = 64
    n_val: int = 16
    lr: float = 1e-3


def synth_peptides(n, seed):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        length = rng.randint(6, 40)
        seq = "".join(rng.choice(AMINO) for _ in range(length))
        rows.append((seq, int(seq.count("K") + seq.count("R") > length * 0.1)))
    return rows


class PeptideDataset(Dataset):
    def __init__(self, rows, max_len):
        self.rows = rows
        self.max_len = max_len
        self.vocab = {aa: i + 1 for i, aa in enumerate(AMINO)}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        seq, label = self.rows[idx]
        ids = [self.vocab[aa] for aa in seq[: self.max_len]]
        return {"tokens": torch.tensor(ids, dtype=torch.long),
                "label": torch.tensor(label, dtype=torch.long)}


class PeptideDataModule(pl.LightningDataModule):
    def __init__(self, cfg: PeptideConfig):
        super().__init__()
        self.cfg = cfg

    def setup(self, stage=None):
        self.train_ds = PeptideDataset(synth_peptides(self.cfg.n_train, 1), self.cfg.max_len)
        self.val_ds = PeptideDataset(synth_peptides(self.cfg.n_val, 2), self.cfg.max_len)

    def train_dataloader(self):
        return DataLoader(self.train_ds, batch_size=self.cfg.batch_size, shuffle=True)

    def val_dataloader(self):
        return DataLoader(self.val_ds, batch_size=self.cfg.batch_size)


class CleavageClassifier(pl.LightningModule):
    def __init__(self, cfg: PeptideConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(len(AMINO) + 1, cfg.embed_dim, padding_idx=PAD_ID)
        self.conv = nn.Conv1d(cfg.embed_dim, cfg.embed_dim, kernel_size=3, padding=1)
        self.out = nn.Linear(cfg.embed_dim, 2)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, tokens):
        mask = (tokens != PAD_ID).unsqueeze(-1).float()
        h = self.embed(tokens).transpose(1, 2)
        h = torch.relu(self.conv(h)).transpose(1, 2)
        pooled = (h * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.out(pooled)

    def training_step(self, batch, batch_idx):
        loss = self.loss_fn(self(batch["tokens"]), batch["label"])
        return loss

    def validation_step(self, batch, batch_idx):
        logits = self(batch["tokens"])
        acc = (logits.argmax(-1) == batch["label"]).float().mean()
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.cfg.lr)


if __name__ == "__main__":
    pl.seed_everything(7)
    cfg = PeptideConfig()
    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                         logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(CleavageClassifier(cfg), datamodule=PeptideDataModule(cfg))
