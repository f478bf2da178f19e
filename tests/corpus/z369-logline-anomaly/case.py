from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
import lightning.pytorch as pl


@dataclass
class LogConfig:
    num_templates: int = 60       # distinct log templates emitted by the parser
    max_events: int = 32          # longest session window we keep
    embed_dim: int = 24
    hidden_dim: int = 32
    batch_size: int = 16
    lr: float = 2e-3
    n_sessions: int = 256
    seed: int = 11


class SessionDataset(Dataset):
    """Each item: a sequence of log-template ids for one server session, and 1 if the session crashed."""

    def __init__(self, cfg: LogConfig, n: int, seed: int):
        g = torch.Generator().manual_seed(seed)
        self.items = []
        for _ in range(n):
            length = int(torch.randint(6, cfg.max_events - 3, (1,), generator=g))
            events = torch.randint(1, cfg.num_templates, (length,), generator=g)
            crashed = int((events > cfg.num_templates - 6).sum() >= 2)
            self.items.append((events, crashed))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class LogDataModule(pl.LightningDataModule):
    def __init__(self, cfg: LogConfig):
        super().__init__()
        self.cfg = cfg

    def setup(self, stage=None):
        self.train_set = SessionDataset(self.cfg, self.cfg.n_sessions, self.cfg.seed)
        self.val_set = SessionDataset(self.cfg, self.cfg.n_sessions // 4, self.cfg.seed + 1)

    def _collate(self, batch):
        seqs, labels = zip(*batch)
        lengths = torch.tensor([len(s) for s in seqs])
        events = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=0)
        mask = torch.zeros(len(seqs), self.cfg.max_events)
        for i, n in enumerate(lengths):
            mask[i, :n] = 1.0
        return {"events": events, "mask": mask, "label": torch.tensor(labels, dtype=torch.float)}

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.cfg.batch_size, shuffle=True, collate_fn=self._collate)

    def val_dataloader(self):
        return DataLoader(self.val_set, batch_size=self.cfg.batch_size, collate_fn=self._collate)


class SessionAnomalyModel(pl.LightningModule):
    def __init__(self, cfg: LogConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.num_templates, cfg.embed_dim, padding_idx=0)
        self.encoder = nn.GRU(cfg.embed_dim, cfg.hidden_dim, batch_first=True)
        self.head = nn.Sequential(nn.Linear(cfg.hidden_dim, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, events, mask):
        states, _ = self.encoder(self.embed(events))
        weights = mask.unsqueeze(-1)
        pooled = (states * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)

    def training_step(self, batch, batch_idx):
        logits = self(batch["events"], batch["mask"])
        loss = F.binary_cross_entropy_with_logits(logits, batch["label"])
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        logits = self(batch["events"], batch["mask"])
        acc = ((logits > 0).float() == batch["label"]).float().mean()
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.cfg.lr)


if __name__ == "__main__":
    cfg = LogConfig()
    pl.seed_everything(cfg.seed, verbose=False)
    trainer = pl.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    trainer.fit(SessionAnomalyModel(cfg), datamodule=LogDataModule(cfg))
    print("done, val_acc =", float(trainer.callback_metrics.get("val_acc", torch.tensor(float("nan")))))
