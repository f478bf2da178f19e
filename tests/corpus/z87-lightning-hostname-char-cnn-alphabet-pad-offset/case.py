"""Flag suspicious hostnames (phishing / malware domains) with a character CNN, trained with Lightning."""
import os
import string

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning.pytorch as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

HOSTS = [
    ("mail.google.com", 0), ("login-paypa1-secure.xyz", 1), ("github.com", 0), ("free-prizes-now.top", 1),
    ("docs.python.org", 0), ("appleid-verify-account.info", 1), ("en.wikipedia.org", 0),
    ("bank0famerica-alerts.co", 1), ("news.ycombinator.com", 0), ("update-flash-player.biz", 1),
    ("pypi.org", 0), ("win-iphone15-today.click", 1),
]


class HostnameCodec:
    ALPHABET = string.ascii_lowercase + string.digits + "-."
    PAD = 0
    MAX_CHARS = 32

    @classmethod
    def encode(cls, host):
        codes = [cls.ALPHABET.index(ch) + 1 for ch in host.lower()[:cls.MAX_CHARS]]
        return codes + [cls.PAD] * (cls.MAX_CHARS - len(codes))


class HostnameData(pl.LightningDataModule):
    def __init__(self, hosts, batch_size=4):
        super().__init__()
        self.hosts = hosts
        self.batch_size = batch_size

    def setup(self, stage=None):
        codes = torch.tensor([HostnameCodec.encode(h) for h, _ in self.hosts])
        labels = torch.tensor([y for _, y in self.hosts])
        self.train_set = TensorDataset(codes, labels)

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True)


class CharCNN(pl.LightningModule):
    def __init__(self, n_symbols, dim=16, filters=32, kernel=3):
        super().__init__()
        self.save_hyperparameters()
        self.embed = nn.Embedding(n_symbols, dim, padding_idx=HostnameCodec.PAD)
        self.conv = nn.Conv1d(dim, filters, kernel, padding=1)
        self.head = nn.Linear(filters, 2)

    def forward(self, codes):
        x = self.embed(codes).transpose(1, 2)
        x = F.relu(self.conv(x)).max(dim=2).values
        return self.head(x)

    def training_step(self, batch, batch_idx):
        codes, labels = batch
        loss = F.cross_entropy(self(codes), labels)
        self.log("loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=3e-3)


if __name__ == "__main__":
    pl.seed_everything(0, verbose=False)
    model = CharCNN(n_symbols=len(HostnameCodec.ALPHABET))
    trainer = pl.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, datamodule=HostnameData(HOSTS))
    print("loss after one epoch:", float(trainer.callback_metrics["loss"]))
